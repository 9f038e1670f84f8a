// libldap, opened on the first LDAP call libpq makes (LibrariesOnDemand.h says why).
#include "LDAPCalls.h"
#include "OnDemandLibrary.h"

/// libldap's names in Debian 12 (OpenLDAP 2.5) and from OpenLDAP 2.6 on; the calls libpq makes
/// have the same ABI in both.
static const char *const names[] = {"libldap-2.5.so.0", "libldap.so.2"};
static const char *const symbols[] = {
    "ldap_init", "ldap_set_option", "ldap_simple_bind", "ldap_result", "ldap_search_st", "ldap_count_entries",
    "ldap_first_entry", "ldap_get_values_len", "ldap_value_free_len", "ldap_msgfree", "ldap_unbind", "ldap_err2string"};
static struct OnDemandLibrary libldap = {
    names, sizeof names / sizeof names[0], symbols, sizeof symbols / sizeof symbols[0],
    "an ldap:// line of a connection service file needs libldap (Debian package libldap-2.5-0), "
    "which could not be used as libldap-2.5.so.0 or libldap.so.2",
    NULL, PTHREAD_ONCE_INIT};

static void openLibldap(void) { onDemandOpen(&libldap); }

/// libldap's function `name`, or NULL when libldap cannot be used.
static void *resolve(const char *name) { return onDemandResolve(&libldap, openLibldap, name); }

// The fallbacks are libldap's own failures: no handle, LDAP_OPT_ERROR (-1) and LDAP_OTHER (0x50).
FORWARD(LDAP *, ldap_init, NULL, (const char *host, int port), (host, port))
FORWARD(int, ldap_set_option, -1, (LDAP *ld, int option, const void *value), (ld, option, value))
FORWARD(int, ldap_simple_bind, -1, (LDAP *ld, const char *who, const char *password), (ld, who, password))
FORWARD(int, ldap_result, -1,
        (LDAP *ld, int messageID, int all, struct timeval *timeout, LDAPMessage **result),
        (ld, messageID, all, timeout, result))
FORWARD(int, ldap_search_st, 0x50,
        (LDAP *ld, const char *base, int scope, const char *filter, char **attributes, int attributesOnly,
         struct timeval *timeout, LDAPMessage **result),
        (ld, base, scope, filter, attributes, attributesOnly, timeout, result))
FORWARD(int, ldap_count_entries, -1, (LDAP *ld, LDAPMessage *chain), (ld, chain))
FORWARD(LDAPMessage *, ldap_first_entry, NULL, (LDAP *ld, LDAPMessage *chain), (ld, chain))
FORWARD(struct berval **, ldap_get_values_len, NULL, (LDAP *ld, LDAPMessage *entry, const char *attribute),
        (ld, entry, attribute))
FORWARD(int, ldap_msgfree, -1, (LDAPMessage *message), (message))
FORWARD(int, ldap_unbind, 0x50, (LDAP *ld), (ld))
FORWARD(char *, ldap_err2string, "libldap is not loaded", (int error), (error))

/// Returns nothing, so outside FORWARD; a cold call (once per lookup), resolved each time.
void ldap_value_free_len(struct berval **values) {
    __typeof__(ldap_value_free_len) *real = (__typeof__(ldap_value_free_len) *)resolve("ldap_value_free_len");
    if (real != NULL) real(values);
}
