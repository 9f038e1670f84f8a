import Glibc
import LibrariesOnDemand
import Testing

/// The LDAP and GSSAPI calls linked-in libpq makes reach the real libldap and Kerberos, opened on
/// the first call (target LibrariesOnDemand). scripts/check-runtime-image.sh follows a service
/// file's `ldap://` line and a `gssencmode=require` DSN through the shipped binary.
@Suite struct LibrariesOnDemandTests {
    @Test func anLDAPCallIsAnsweredByLibldapItself() {
        // The stand-in answers "libldap is not loaded" when libldap cannot be opened.
        #expect(String(cString: ldap_err2string(0)) == "Success")
        #expect(String(cString: ldap_err2string(-1)) == "Can't contact LDAP server")
    }

    @Test func libldapMakesAHandleWithoutConnecting() throws {
        let handle = try #require(ldap_init("127.0.0.1", 1))
        #expect(ldap_unbind(handle) == 0)
    }

    @Test func aGSSAPICallIsAnsweredByKerberosItself() {
        // GSS_S_BAD_NAME's text, as Kerberos words it (the stand-in's is "libgssapi_krb5 is not loaded").
        var minor: OM_uint32 = 0
        var context: OM_uint32 = 0
        var text = gss_buffer_desc()
        #expect(gss_display_status(&minor, 2 << 16, 1, nil, &context, &text) == 0)
        #expect(String(decoding: UnsafeRawBufferPointer(start: text.value, count: text.length), as: UTF8.self) == "An invalid name was supplied")
        #expect(gss_release_buffer(&minor, &text) == 0)
    }

    @Test func theHostBasedServiceNameTypeIsKerberosOwnOID() throws {
        // Kerberos compares name types by value: the copy libpq passes must hold the same OID.
        let library = try #require(dlopen("libgssapi_krb5.so.2", RTLD_NOW))
        defer { dlclose(library) }
        let symbol = try #require(dlsym(library, "GSS_C_NT_HOSTBASED_SERVICE"))
        let ownPointer: gss_OID? = symbol.assumingMemoryBound(to: gss_OID?.self).pointee
        let own = try #require(ownPointer).pointee
        let copy = GSS_C_NT_HOSTBASED_SERVICE.pointee
        func bytes(_ oid: gss_OID_desc) -> [UInt8] { Array(UnsafeRawBufferPointer(start: oid.elements, count: Int(oid.length))) }
        #expect(copy.length == own.length)
        #expect(bytes(copy) == bytes(own))
    }
}
