// The LDAP calls libpq makes to look up `ldap://` lines of a connection service file
// (pg_service.conf), as libldap declares them, with its types opaque.
#ifndef LDAP_CALLS_H
#define LDAP_CALLS_H

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
