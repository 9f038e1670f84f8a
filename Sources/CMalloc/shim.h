// CMalloc: exposes glibc's mallopt (malloc.h, which the Glibc module leaves out) to Swift.
#ifndef PGVIGIL_CMALLOC_SHIM_H
#define PGVIGIL_CMALLOC_SHIM_H
#include <malloc.h>
#endif
