// CZlib: exposes zlib to Swift (crc32_z and crc32_combine for gzip bodies joined from pieces).
#ifndef PGVIGIL_CZLIB_SHIM_H
#define PGVIGIL_CZLIB_SHIM_H
#include <zlib.h>
#endif
