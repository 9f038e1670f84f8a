// The names a web config's tls_server_config uses (Go's crypto/tls names) and what they stand for.

/// `client_auth_type`: whether clients are asked for a certificate, and whether it is verified
/// against `client_ca_file`. The names are Go's `tls.ClientAuthType`, as exporter-toolkit reads them.
package enum TLSClientAuthentication: String, Sendable, CaseIterable {
    /// No certificate is asked for (the default).
    case noClientCert = "NoClientCert"
    /// A certificate is asked for; none is required and one given is not verified.
    case requestClientCert = "RequestClientCert"
    /// A certificate is required; it is not verified against a CA.
    case requireAnyClientCert = "RequireAnyClientCert"
    /// A certificate given must verify against `client_ca_file`; none may be given.
    case verifyClientCertIfGiven = "VerifyClientCertIfGiven"
    /// A certificate is required and must verify against `client_ca_file` (mutual TLS).
    case requireAndVerifyClientCert = "RequireAndVerifyClientCert"

    /// The mode `name` names; an absent name is `NoClientCert`, and exporter-toolkit's old
    /// `RequireClientCert` is `RequireAnyClientCert`, so existing files keep working.
    package init?(configured name: String?) {
        guard let name, !name.isEmpty else {
            self = .noClientCert
            return
        }
        if name == "RequireClientCert" {
            self = .requireAnyClientCert
            return
        }
        self.init(rawValue: name)
    }

    /// True when a certificate given is verified against `client_ca_file`.
    package var verifiesAgainstCA: Bool { self == .verifyClientCertIfGiven || self == .requireAndVerifyClientCert }
}

/// The values of `min_version` / `max_version` (Go's names), as TLS wire versions.
package enum TLSProtocolVersion: String, Sendable, CaseIterable, Comparable {
    case tls10 = "TLS10"
    case tls11 = "TLS11"
    case tls12 = "TLS12"
    case tls13 = "TLS13"

    /// The versions the agent serves: TLS 1.0 and 1.1 are deprecated (RFC 8996) and refused.
    package var isOffered: Bool { self >= .tls12 }

    package static func < (lhs: Self, rhs: Self) -> Bool { lhs.order < rhs.order }

    private var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// The cipher suites and curves a web config may name: Go's (IANA's) names with their code points.
package enum TLSNamedParameters {
    /// TLS 1.2 cipher suites the server can use, by IANA name, with their code points.
    package static let cipherSuites: [String: UInt16] = [
        "TLS_RSA_WITH_AES_128_CBC_SHA": 0x002F,
        "TLS_RSA_WITH_AES_256_CBC_SHA": 0x0035,
        "TLS_RSA_WITH_AES_128_GCM_SHA256": 0x009C,
        "TLS_RSA_WITH_AES_256_GCM_SHA384": 0x009D,
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": 0xC009,
        "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": 0xC00A,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": 0xC013,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 0xC014,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": 0xC02B,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": 0xC02C,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA9,
    ]

    /// TLS 1.3 suites: accepted in `cipher_suites` and not applied, as in Go (TLS 1.3's suites
    /// are not configurable there or in BoringSSL).
    package static let tls13CipherSuites: Set<String> = ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"]

    /// `curve_preferences` names (Go's `tls.CurveID` names), with their TLS group code points.
    package static let curves: [String: UInt16] = ["CurveP256": 0x17, "CurveP384": 0x18, "CurveP521": 0x19, "X25519": 0x1D]
}
