import CLibPQ
import Postgres
import Testing

/// The agent names the libpq and OpenSSL linked into it (`pgvigil version`, `pgvigil_build_info`).
@Suite struct ClientLibrariesTests {
    @Test func theVersionsAreThoseOfTheLibrariesLinkedIn() {
        let libpq = ClientLibraries.libpq.split(separator: ".").compactMap { Int($0) }
        #expect(libpq.count == 2 && libpq[0] >= 15, "libpq \(ClientLibraries.libpq)")
        // OpenSSL's headers the build read and the library running agree: it is the one linked in.
        #expect(ClientLibraries.openSSL.hasPrefix("\(OPENSSL_VERSION_MAJOR).\(OPENSSL_VERSION_MINOR)."))
    }
}
