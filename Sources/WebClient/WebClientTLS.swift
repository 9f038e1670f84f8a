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

    /// Which file a problem is about.
    package enum File: Sendable {
        case ca, certificate, key
    }

    /// A file that does not read, or a key that does not belong to the certificate.
    package struct Problem: Error, Sendable, CustomStringConvertible {
        package var file: File
        package var path: String
        package var message: String
        package var description: String { "\(path): \(message)" }
    }

    /// Reads every file and proves the key belongs to the certificate (with a trust store that
    /// reads nothing, so no system store is loaded).
    package func check() throws(Problem) {
        let files = try loaded()
        guard let (chain, key) = files.identity, let keyFile else { return }
        var pair = TLSConfiguration.makeClientConfiguration()
        pair.trustRoots = .certificates(chain)
        pair.certificateChain = chain.map { .certificate($0) }
        pair.privateKey = .privateKey(key)
        do {
            _ = try NIOSSLContext(configuration: pair)
        } catch {
            throw Problem(file: .key, path: keyFile, message: "is not the private key of the certificate (\(error))")
        }
    }

    /// A client configuration from the files as they are now; `tunnelled` leaves the host name
    /// check to `TunnelledIdentity`.
    package func makeContext(tunnelled: Bool) throws -> NIOSSLContext {
        let files = try loaded()
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = files.authorities.map { .certificates($0) } ?? .default
        if let (chain, key) = files.identity {
            configuration.certificateChain = chain.map { .certificate($0) }
            configuration.privateKey = .privateKey(key)
        }
        if tunnelled { configuration.certificateVerification = .noHostnameVerification }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The files' contents: the CAs (nil: the system's store) and the client's chain and key
    /// (nil unless both are configured).
    private func loaded() throws(Problem) -> (authorities: [NIOSSLCertificate]?, identity: ([NIOSSLCertificate], NIOSSLPrivateKey)?) {
        func read<T>(_ file: File, _ path: String, _ what: String, _ reading: (String) throws -> T) throws(Problem) -> T {
            do {
                return try reading(path)
            } catch {
                throw Problem(file: file, path: path, message: "cannot read \(what) from it (\(error))")
            }
        }
        let authorities = try caFile.map { path throws(Problem) in try read(.ca, path, "PEM certificates", NIOSSLCertificate.fromPEMFile) }
        guard let certificateFile, let keyFile else { return (authorities, nil) }
        let chain = try read(.certificate, certificateFile, "a PEM certificate", NIOSSLCertificate.fromPEMFile)
        let key = try read(.key, keyFile, "a PEM private key") { try NIOSSLPrivateKey(file: $0, format: .pem) }
        return (authorities, (chain, key))
    }
}
