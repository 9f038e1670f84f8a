// CCrypt: exposes libcrypt's crypt_r (libxcrypt on Debian: bcrypt's $2a$, $2b$, $2y$) to Swift.
#ifndef PGVIGIL_CCRYPT_SHIM_H
#define PGVIGIL_CCRYPT_SHIM_H
#include <crypt.h>
#endif
