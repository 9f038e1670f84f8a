import CLibPQ
import Glibc
import Postgres
import Testing

/// The agent names the libpq and OpenSSL linked into it (`pgvigil version`, `pgvigil_build_info`).
@Suite struct ClientLibrariesTests {
    @Test func theVersionsAreThoseOfTheLibrariesLinkedIn() {
        let libpq = ClientLibraries.libpq.split(separator: ".").compactMap { Int($0) }
        #expect(libpq.count == 2 && libpq[0] >= 15, "libpq \(ClientLibraries.libpq)")
        // OpenSSL's headers the build read and the library running agree.
        #expect(ClientLibraries.openSSL.hasPrefix("\(OPENSSL_VERSION_MAJOR).\(OPENSSL_VERSION_MINOR)."))
    }

    /// The functions answering are in this executable, not in a shared libpq or libcrypto (this
    /// test process loads shared ones too, through Foundation's libcurl).
    @Test func libpqAndOpenSSLAreInsideTheExecutable() {
        let libpqVersion: @convention(c) () -> Int32 = PQlibVersion
        let openSSLVersion: @convention(c) (Int32) -> UnsafePointer<CChar>? = OpenSSL_version
        let maps = Self.processMaps()
        for function in [unsafeBitCast(libpqVersion, to: UInt.self), unsafeBitCast(openSSLVersion, to: UInt.self)] {
            let mapping = maps.first { line in
                let range = line.prefix { $0 != " " }.split(separator: "-").compactMap { UInt($0, radix: 16) }
                return range.count == 2 && range[0] <= function && function < range[1]
            }
            let file = mapping?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(5).joined(separator: " ") ?? ""
            #expect(!file.isEmpty && !file.contains(".so"), "found in \(file), among \(maps.count) mappings")
        }
    }

    /// The lines of /proc/self/maps, read to its end: the file has no size to read by, and under
    /// ThreadSanitizer it is long.
    private static func processMaps() -> [Substring] {
        let descriptor = open("/proc/self/maps", O_RDONLY)
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while case let count = read(descriptor, &chunk, chunk.count), count > 0 {
            bytes += chunk[0..<count]
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    }
}
