// What a client certificate must carry beyond a valid chain: one of client_allowed_sans.
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// The subject-alternative-name check of `client_allowed_sans`, done as exporter-toolkit does
/// it: the leaf certificate's DNS names, e-mail addresses, IP addresses (as Go prints them) and
/// URIs; one of them must be among the allowed ones. Nil `allowed`: any certificate passes. Only
/// verified certificates are checked (`WebConfigValidator` allows the list with
/// `RequireAndVerifyClientCert` alone).
struct ClientCertificateCheck: Sendable {
    /// The names a client certificate may carry; nil when there is no such list.
    let allowed: Set<String>?

    /// True when `certificate` carries an allowed name (or no list is configured).
    func admits(_ certificate: NIOSSLCertificate) -> Bool {
        guard let allowed else { return true }
        return Self.names(of: certificate).contains(where: allowed.contains)
    }

    /// The subject alternative names of `certificate` as strings.
    static func names(of certificate: NIOSSLCertificate) -> [String] {
        certificate._subjectAlternativeNames().compactMap { name in
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            switch name.nameType {
            case .dnsName, .email, .uri: return String(decoding: bytes, as: UTF8.self)
            case .ipAddress: return ipAddressText(bytes)
            default: return nil
            }
        }
    }

    /// An address as Go's `net.IP.String` writes it: dotted IPv4 (also for IPv4-mapped IPv6),
    /// RFC 5952 IPv6; nil for a length that is neither.
    static func ipAddressText(_ bytes: [UInt8]) -> String? {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return nil }
        if bytes[..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12...].map(String.init).joined(separator: ".")
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let written = bytes.withUnsafeBytes { address in inet_ntop(AF_INET6, address.baseAddress, &text, socklen_t(text.count)) }
        guard written != nil else { return nil }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
