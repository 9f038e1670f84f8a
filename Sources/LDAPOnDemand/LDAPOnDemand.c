// LDAPOnDemand: opens libldap on the first LDAP call and forwards every call to it
// (include/LDAPOnDemand.h says why).
#include "LDAPOnDemand.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

/// libldap's names in Debian 12 (OpenLDAP 2.5) and from OpenLDAP 2.6 on; the calls libpq makes
/// have the same ABI in both.
static const char *const libraryNames[] = {"libldap-2.5.so.0", "libldap.so.2"};
/// libldap's handle, or NULL when it could not be opened.
static void *library;
static pthread_once_t libraryOnce = PTHREAD_ONCE_INIT;

/// Opens libldap; when it is not installed, says so once on stderr, because libpq's own message
/// ("could not create LDAP structure") does not.
static void openLibrary(void) {
    for (size_t index = 0; index < sizeof libraryNames / sizeof libraryNames[0]; index++) {
        library = dlopen(libraryNames[index], RTLD_NOW | RTLD_LOCAL);
        if (library != NULL) return;
    }
    fprintf(stderr, "pgvigil: an ldap:// line of a connection service file needs libldap "
                    "(Debian package libldap-2.5-0), found neither as libldap-2.5.so.0 nor as "
                    "libldap.so.2 (%s)\n", dlerror());
}

/// libldap's function `name`, or NULL when libldap could not be opened.
static void *resolve(const char *name) {
    pthread_once(&libraryOnce, openLibrary);
    return library == NULL ? NULL : dlsym(library, name);
}

/// Defines `name` to call libldap's function of that name, or to return `fallback` without libldap.
#define FORWARD(type, name, fallback, parameters, arguments)         \
    type name parameters {                                          \
        __typeof__(name) *real = (__typeof__(name) *)resolve(#name); \
        return real == NULL ? fallback : real arguments;             \
    }

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

void ldap_value_free_len(struct berval **values) {
    __typeof__(ldap_value_free_len) *real = (__typeof__(ldap_value_free_len) *)resolve("ldap_value_free_len");
    if (real != NULL) real(values);
}
