// Turns a checked tls_server_config and the PEM it names into swift-nio-ssl's server configuration.
import Config
import NIOSSL
import Support

/// What `tls_server_config` asks of the server, its PEM files read and parsed: the
/// `TLSConfiguration` a `NIOSSLContext` is made from. Any problem names the field it came from.
struct TLSServerSettings {
    /// The configuration for `NIOSSLContext(configuration:)`.
    var configuration: TLSConfiguration
    /// When the leaf certificate expires (its notAfter, seconds since the epoch).
    var notAfter: Double

    /// Reads the files `tls` names (or its inline PEM) and maps every field.
    init(_ tls: WebTLSConfig) throws(ConfigProblem) {
        typealias Key = WebTLSConfig.CodingKeys
        let certField: Key = tls.certFile == nil ? .cert : .certFile
        let chain = try Self.certificates(Self.pem(file: tls.certFile, inline: tls.cert, key: certField), key: certField)
        let keyField: Key = tls.keyFile == nil ? .key : .keyFile
        let keyBytes = try Self.pem(file: tls.keyFile, inline: tls.key, key: keyField)
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: keyBytes, format: .pem)
        } catch {
            throw Self.problem(keyField, "not a PEM private key (\(error))")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = Self.version(tls.minVersion) ?? .tlsv12
        configuration.maximumTLSVersion = Self.version(tls.maxVersion) ?? .tlsv13
        let suites = (tls.cipherSuites ?? []).compactMap { TLSNamedParameters.cipherSuites[$0] }
        if !suites.isEmpty { configuration.cipherSuiteValues = suites.map(NIOTLSCipher.init(rawValue:)) }
        let curves = (tls.curvePreferences ?? []).compactMap { TLSNamedParameters.curves[$0] }
        if !curves.isEmpty { configuration.curves = curves.map(NIOTLSCurve.init(rawValue:)) }

        let mode = TLSClientAuthentication(configured: tls.clientAuthType) ?? .noClientCert
        let caField: Key = tls.clientCAFile == nil ? .clientCA : .clientCAFile
        let authorities =
            try (tls.clientCAFile != nil || tls.clientCA != nil)
            ? Self.certificates(Self.pem(file: tls.clientCAFile, inline: tls.clientCA, key: caField), key: caField) : []
        // The CAs' names go in the certificate request, so a client holding several certificates
        // (curl, a browser) offers the one that verifies, as Go's server does.
        configuration.trustRoots = .certificates(authorities)
        configuration.sendCANameList = !authorities.isEmpty
        switch mode {
        case .noClientCert: configuration.certificateVerification = .none
        // Asked for and not verified: `ClientCertificateCheck` accepts any certificate.
        case .requestClientCert: configuration.certificateVerification = .optionalVerification
        case .requireAnyClientCert: configuration.certificateVerification = .noHostnameVerification
        case .verifyClientCertIfGiven: configuration.certificateVerification = .optionalVerification
        case .requireAndVerifyClientCert: configuration.certificateVerification = .noHostnameVerification
        }
        // A slot is freed soon after a close: the peer's close_notify is waited for briefly.
        configuration.shutdownTimeout = .milliseconds(500)
        self.configuration = configuration
        notAfter = chain.first.map { Double($0.notValidAfter) } ?? 0
    }

    /// The swift-nio-ssl version for a checked `min_version` / `max_version` name.
    private static func version(_ name: String?) -> TLSVersion? {
        switch name.flatMap(TLSProtocolVersion.init(rawValue:)) {
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        // TLS 1.0 and 1.1 were refused by `WebConfigValidator`.
        case .tls10, .tls11, nil: nil
        }
    }

    /// The PEM bytes of `file`, or of `inline` when no file is named.
    private static func pem(file: String?, inline: String?, key: WebTLSConfig.CodingKeys) throws(ConfigProblem) -> [UInt8] {
        guard let file else { return Array((inline ?? "").utf8) }
        do {
            return try WholeFile.read(file)
        } catch {
            throw problem(key, "cannot read \(file): \(error.reason)")
        }
    }

    /// The certificates of a PEM bundle, at least one.
    private static func certificates(_ bytes: [UInt8], key: WebTLSConfig.CodingKeys) throws(ConfigProblem) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw problem(key, "not PEM certificates (\(error))")
        }
        if certificates.isEmpty { throw problem(key, "holds no PEM certificate (-----BEGIN CERTIFICATE-----)") }
        return certificates
    }

    /// A problem at `tls_server_config.KEY` of the web config file.
    static func problem(_ key: WebTLSConfig.CodingKeys, _ message: String) -> ConfigProblem {
        ConfigProblem(path: [WebConfig.CodingKeys.tlsServerConfig, key], message: message, inWebConfig: true)
    }
}
