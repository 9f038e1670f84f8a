// LibrariesOnDemand: the calls libpq makes into libldap and Kerberos (GSSAPI), resolved from those
// libraries only when the first such call is made.
//
// The agent links libpq in (its static archive), and the first definitions of these functions the
// linker finds are this target's: each opens its library on its first call and forwards to it. An
// agent that never reads an `ldap://` line of a service file never loads libldap (nor GnuTLS, SASL
// and p11-kit behind it, 1.9 MiB resident), and one that never uses GSSAPI never loads Kerberos
// (its seven libraries, 1.2 MiB). The declarations are the libraries' own, with their types opaque
// or reduced to their layout.
#ifndef LIBRARIES_ON_DEMAND_H
#define LIBRARIES_ON_DEMAND_H

#include "GSSAPICalls.h"
#include "LDAPCalls.h"

#endif
