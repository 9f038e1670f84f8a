import LDAPOnDemand
import Testing

/// The LDAP calls linked-in libpq makes reach the real libldap, opened on the first call
/// (target LDAPOnDemand). scripts/check-runtime-image.sh follows a service file's `ldap://` line
/// through the shipped binary.
@Suite struct LDAPOnDemandTests {
    @Test func aCallIsAnsweredByLibldapItself() {
        // The stand-in answers "libldap is not loaded" when libldap cannot be opened.
        #expect(String(cString: ldap_err2string(0)) == "Success")
        #expect(String(cString: ldap_err2string(-1)) == "Can't contact LDAP server")
    }

    @Test func libldapMakesAHandleWithoutConnecting() throws {
        let handle = try #require(ldap_init("127.0.0.1", 1))
        #expect(ldap_unbind(handle) == 0)
    }
}
