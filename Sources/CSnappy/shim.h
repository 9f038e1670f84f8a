// CSnappy: exposes libsnappy's C API to Swift (remote-write bodies are snappy block-compressed).
#ifndef PGVIGIL_CSNAPPY_SHIM_H
#define PGVIGIL_CSNAPPY_SHIM_H
#include <snappy-c.h>
#endif
