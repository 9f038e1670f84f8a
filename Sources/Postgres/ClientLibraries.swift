// The versions of the client libraries linked into the agent, for `pgvigil version` and
// `pgvigil_build_info`.
import CLibPQ

/// libpq and the OpenSSL it uses are linked into the binary (Package.swift, `libpqLinkedIn`), so
/// their security fixes arrive with a new build of pgvigil, not with the host's packages: the
/// agent says which versions it carries.
public enum ClientLibraries {
    /// libpq's version, e.g. "15.20" (`PQlibVersion` gives major × 10,000 + minor).
    public static let libpq: String = {
        let number = PQlibVersion()
        return "\(number / 10_000).\(number % 10_000)"
    }()

    /// OpenSSL's version, e.g. "3.0.17".
    public static let openSSL = String(cString: OpenSSL_version(OPENSSL_VERSION_STRING))
}
