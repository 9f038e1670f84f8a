// The server identity check of a TLS connection through a proxy's tunnel, made against the URL's host.
import NIOCore
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

/// Checks that a certificate names the host a tunnelled request is for. swift-nio-ssl matches a
/// certificate's IP addresses against the socket's peer, which through a CONNECT tunnel is the
/// proxy: a tunnelled connection verifies the chain with host name checking off and this check
/// instead, after the handshake and before any request byte is sent (RFC 6125: DNS names, a
/// wildcard standing for exactly the left-most label; IP addresses compared as bytes).
struct TunnelledIdentity: Sendable {
    /// The URL's host, lower case, without brackets.
    let host: String

    /// Whether `certificate`'s subject alternative names include `host`.
    func matches(_ certificate: NIOSSLCertificate) -> Bool {
        let address = Self.addressBytes(host)
        for name in certificate._subjectAlternativeNames() {
            let bytes = name.contents.withUnsafeBufferPointer { Array($0) }
            switch name.nameType {
            case .dnsName where address == nil:
                if Self.dnsName(String(decoding: bytes, as: UTF8.self).lowercased(), matches: host.lowercased()) { return true }
            case .ipAddress:
                if let address, address == bytes { return true }
            default:
                continue
            }
        }
        return false
    }

    /// The callback swift-nio-ssl runs after verifying the chain: fails the handshake unless the
    /// certificate names `host`.
    var callback: _NIOAdditionalPeerCertificateVerificationCallback {
        { certificate, channel in
            matches(certificate)
                ? channel.eventLoop.makeSucceededVoidFuture()
                : channel.eventLoop.makeFailedFuture(WebClientError("TLS: the certificate does not name \(host)"))
        }
    }

    /// `pattern` (a certificate's DNS name) matches `host`: equal, or `*.rest` with `host` one label more than `rest`.
    static func dnsName(_ pattern: String, matches host: String) -> Bool {
        let pattern = pattern.hasSuffix(".") ? String(pattern.dropLast()) : pattern
        let host = host.hasSuffix(".") ? String(host.dropLast()) : host
        guard pattern.hasPrefix("*.") else { return pattern == host }
        guard let dot = host.firstIndex(of: "."), host.startIndex != dot else { return false }
        return host[host.index(after: dot)...] == pattern.dropFirst(2)
    }

    /// The 4 or 16 bytes of `host` when it is an IP address, else nil.
    static func addressBytes(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
