// Which certificates an https request trusts and presents: PEM files, read again when they change.
import NIOSSL
import Support

/// The TLS files of a client: the CAs the server's certificate must chain to (the system's trust
/// store when nil) and the certificate and key it presents when the server asks for one (mutual
/// TLS). The files are read when the first https request is made and again when one of them
/// changed (`FileStamp`), so certificates rotated on disk are used without a restart.
package struct WebClientTLS: Sendable, Hashable {
    /// A PEM file of the trusted CAs; nil for the system's trust store.
    package var caFile: String?
    /// The client certificate (PEM, the leaf first) and its private key; both or neither.
    package var certificateFile: String?
    package var keyFile: String?

    /// Creates a value from its parts.
    package init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// What the files look like now, in the order ca, certificate, key.
    func stamps() -> [FileStamp?] {
        [caFile, certificateFile, keyFile].map { $0.flatMap(FileStamp.init(path:)) }
    }

    /// A client configuration from the files as they are now (throws when one does not read or
    /// the key does not belong to the certificate); `tunnelled` leaves the host name check to
    /// `TunnelledIdentity`.
    package func makeContext(tunnelled: Bool = false) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = caFile.map { .file($0) } ?? .default
        if let certificateFile, let keyFile {
            configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
            configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
        }
        if tunnelled { configuration.certificateVerification = .noHostnameVerification }
        return try NIOSSLContext(configuration: configuration)
    }
}
