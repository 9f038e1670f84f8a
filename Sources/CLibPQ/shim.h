// CLibPQ: exposes libpq, PostgreSQL's own client library, to Swift.
#include <libpq-fe.h>
