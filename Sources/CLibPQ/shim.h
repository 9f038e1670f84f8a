// CLibPQ: exposes libpq, PostgreSQL's own client library, to Swift, with the version of the OpenSSL
// it is linked with (Package.swift links both in).
#include <postgresql/libpq-fe.h>
#include <openssl/crypto.h>
