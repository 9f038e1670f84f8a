// LDAPOnDemand: the LDAP calls libpq makes, resolved from libldap only when the first one is made.
//
// libpq looks up `ldap://` lines of a connection service file (pg_service.conf) with libldap. The
// agent links libpq in (its static archive), and the first definitions of these functions it finds
// are the ones below: each opens libldap on its first call and forwards to it. A process that never
// reads an `ldap://` line never loads libldap, nor GnuTLS, SASL and p11-kit behind it (about
// 1.9 MiB resident when loaded at start). The declarations are libldap's, with its types opaque.
#ifndef LDAP_ON_DEMAND_H
#define LDAP_ON_DEMAND_H

struct berval;
struct timeval;
typedef struct ldap LDAP;
typedef struct ldapmsg LDAPMessage;

LDAP *ldap_init(const char *host, int port);
int ldap_set_option(LDAP *ld, int option, const void *value);
int ldap_simple_bind(LDAP *ld, const char *who, const char *password);
int ldap_result(LDAP *ld, int messageID, int all, struct timeval *timeout, LDAPMessage **result);
int ldap_search_st(
    LDAP *ld, const char *base, int scope, const char *filter, char **attributes, int attributesOnly,
    struct timeval *timeout, LDAPMessage **result);
int ldap_count_entries(LDAP *ld, LDAPMessage *chain);
LDAPMessage *ldap_first_entry(LDAP *ld, LDAPMessage *chain);
struct berval **ldap_get_values_len(LDAP *ld, LDAPMessage *entry, const char *attribute);
void ldap_value_free_len(struct berval **values);
int ldap_msgfree(LDAPMessage *message);
int ldap_unbind(LDAP *ld);
char *ldap_err2string(int error);

#endif
