// Reads and checks the web configuration file; every error names that file, the line and the field.
import Support
import YAML

/// Loads `--web.config.file`: exporter-toolkit's format, checked as exporter-toolkit checks it
/// (bcrypt hashes, the allowed security headers).
package enum WebConfigLoader {
    /// The web config in `file`, checked, its TLS files' paths made absolute.
    package static func load(file: String) throws(ConfigError) -> WebConfig {
        try loadDocument(file: file).config
    }

    /// The web config in `file` as `load` returns it, with its node tree (which locates a problem
    /// found later, e.g. a certificate that does not parse).
    package static func loadDocument(file: String) throws(ConfigError) -> (config: WebConfig, document: YAMLNode?) {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(file)
        } catch {
            throw ConfigError(file: file, field: "", message: "cannot read the web config file: \(error.reason)")
        }
        var (config, document) = try ConfigLoader.decode(WebConfig.self, yaml: bytes, file: file, empty: WebConfig())
        do {
            try WebConfigValidator.validate(config)
        } catch {
            let mark = document?.mark(at: error.path)
            throw ConfigError(file: file, line: mark?.line, column: mark?.column, field: ConfigLoader.fieldName(error.path), message: error.message)
        }
        if let slash = file.lastIndex(of: "/") {
            // Relative to the web config file's directory, as exporter-toolkit resolves them.
            config.tlsServerConfig?.resolvePaths(relativeTo: String(file[...slash]))
        }
        return (config, document)
    }
}

/// The checks of a web config that need no files: what exporter-toolkit refuses, refused here too.
package enum WebConfigValidator {
    /// The response headers `http_server_config.headers` may set, and the values allowed where
    /// the header has a fixed set (exporter-toolkit's list, kept for consistency across exporters).
    static let allowedHeaders: [String: [String]?] = [
        "Strict-Transport-Security": nil,
        "X-Content-Type-Options": ["nosniff"],
        "X-Frame-Options": ["deny", "sameorigin"],
        "X-XSS-Protection": nil,
        "Content-Security-Policy": nil,
    ]

    /// Throws the first problem of `config`, with its field path.
    package static func validate(_ config: WebConfig) throws(ConfigProblem) {
        typealias Key = WebConfig.CodingKeys
        for (user, hash) in config.basicAuthUsers.sorted(by: { $0.key < $1.key }) {
            let path: [any CodingKey] = [Key.basicAuthUsers, AnyCodingKey(stringValue: user)]
            if user.isEmpty || user.contains(":") {
                throw ConfigProblem(path: path, message: "a user name must be non-empty and without \":\" (basic auth splits at the first one)")
            }
            if let problem = BcryptHashFormat.problem(hash) { throw ConfigProblem(path: path, message: problem) }
        }
        for (name, value) in config.httpServerConfig.headers.sorted(by: { $0.key < $1.key }) {
            let path: [any CodingKey] = [Key.httpServerConfig, WebHTTPConfig.CodingKeys.headers, AnyCodingKey(stringValue: name)]
            guard let allowed = allowedHeaders.first(where: { $0.key.lowercased() == name.lowercased() }) else {
                throw ConfigProblem(
                    path: path, message: "not a header the web config may set; allowed: \(allowedHeaders.keys.sorted().joined(separator: ", "))")
            }
            if value.isEmpty || value.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
                throw ConfigProblem(path: path, message: "a header value must be non-empty printable text")
            }
            if let values = allowed.value, !values.contains(value.lowercased()) {
                throw ConfigProblem(
                    path: path, message: "\"\(value)\" is not allowed for \(allowed.key); use one of: \(values.joined(separator: ", "))")
            }
        }
        for (index, path) in (config.authExcludedPaths ?? []).enumerated() where !path.hasPrefix("/") {
            throw ConfigProblem(
                path: [Key.authExcludedPaths, AnyCodingKey(index: index)], message: "\"\(path)\" is not a path (it must start with /)")
        }
        if let tls = config.tlsServerConfig { try validate(tls) }
        if let limit = config.rateLimit, !(1...1_000_000).contains(limit.burst) {
            // Go's limiter with a burst of 0 refuses every request: surely not what was meant.
            throw ConfigProblem(
                path: [Key.rateLimit, WebRateLimit.CodingKeys.burst], message: "must be from 1 to 1000000 (the requests admitted at once)")
        }
    }

    /// Throws the first problem of `tls_server_config`: what exporter-toolkit refuses, and what
    /// it would accept and then serve wrongly (a verifying mode without a CA, TLS 1.0 or 1.1,
    /// names checked on certificates that prove nothing).
    static func validate(_ tls: WebTLSConfig) throws(ConfigProblem) {
        typealias Key = WebTLSConfig.CodingKeys
        func problem(_ key: Key, _ message: String) -> ConfigProblem {
            ConfigProblem(path: [WebConfig.CodingKeys.tlsServerConfig, key], message: message)
        }
        let sources = [(Key.certFile, tls.certFile, Key.cert, tls.cert, "certificate"), (.keyFile, tls.keyFile, .key, tls.key, "private key")]
        for (file, path, inline, text, what) in sources {
            let given = [path, text].compactMap { $0 }
            if given.isEmpty { throw problem(file, "the server's \(what) is missing: give \(file.rawValue) (or \(inline.rawValue), inline PEM)") }
            if given.count == 2 { throw problem(inline, "give \(file.rawValue) or \(inline.rawValue), not both") }
        }
        if tls.clientCAFile != nil, tls.clientCA != nil {
            throw problem(.clientCA, "give client_ca_file or client_ca, not both")
        }
        guard let mode = TLSClientAuthentication(configured: tls.clientAuthType) else {
            let names = TLSClientAuthentication.allCases.map(\.rawValue).joined(separator: ", ")
            throw problem(.clientAuthType, "\"\(tls.clientAuthType ?? "")\" is not a client_auth_type; use one of: \(names)")
        }
        let hasCA = tls.clientCAFile != nil || tls.clientCA != nil
        if hasCA, mode == .noClientCert {
            throw problem(
                .clientAuthType,
                "client_ca_file is set but no client certificate is asked for: set client_auth_type (RequireAndVerifyClientCert for mutual TLS) or remove the CA"
            )
        }
        if mode.verifiesAgainstCA, !hasCA {
            throw problem(.clientCAFile, "\(mode.rawValue) verifies client certificates: give client_ca_file, the CA that signs them")
        }
        if let sans = tls.clientAllowedSans {
            // Names on an unverified certificate are the client's own choice, and a client that
            // may send no certificate has none to check: only a required, verified one counts.
            if mode != .requireAndVerifyClientCert {
                throw problem(
                    .clientAllowedSans,
                    "client_allowed_sans needs client_auth_type RequireAndVerifyClientCert (names on an unverified or absent certificate prove nothing)"
                )
            }
            if sans.isEmpty { throw problem(.clientAllowedSans, "an empty list admits no client: list the SANs allowed, or remove it") }
        }
        let minimum = try version(tls.minVersion, default: .tls12, problem: { problem(.minVersion, $0) })
        let maximum = try version(tls.maxVersion, default: .tls13, problem: { problem(.maxVersion, $0) })
        if minimum > maximum { throw problem(.minVersion, "min_version \(minimum.rawValue) is above max_version \(maximum.rawValue)") }
        for name in tls.cipherSuites ?? []
        where TLSNamedParameters.cipherSuites[name] == nil && !TLSNamedParameters.tls13CipherSuites.contains(name) {
            let names = TLSNamedParameters.cipherSuites.keys.sorted().joined(separator: ", ")
            throw problem(.cipherSuites, "\"\(name)\" is not a cipher suite the agent offers; use TLS 1.2 suites among: \(names)")
        }
        for name in tls.curvePreferences ?? [] where TLSNamedParameters.curves[name] == nil {
            throw problem(
                .curvePreferences, "\"\(name)\" is not a curve; use some of: \(TLSNamedParameters.curves.keys.sorted().joined(separator: ", "))")
        }
    }

    /// The version `name` names (`fallback` when absent), refused when unknown or not offered.
    private static func version(
        _ name: String?, default fallback: TLSProtocolVersion, problem: (String) -> ConfigProblem
    ) throws(ConfigProblem) -> TLSProtocolVersion {
        guard let name else { return fallback }
        guard let version = TLSProtocolVersion(rawValue: name) else {
            throw problem("\"\(name)\" is not a TLS version; use TLS12 or TLS13")
        }
        guard version.isOffered else { throw problem("TLS 1.0 and 1.1 are not served (deprecated by RFC 8996); use TLS12 (the default) or TLS13") }
        return version
    }
}

/// The shape of a bcrypt hash as `htpasswd -B` and exporter-toolkit write it: `$2a$`, `$2b$` or
/// `$2y$`, a two-digit cost from 04 to 31, `$`, then 53 characters of bcrypt's base-64 alphabet.
package enum BcryptHashFormat {
    /// Why `hash` is not a bcrypt hash, or nil when it is one.
    package static func problem(_ hash: String) -> String? {
        let bytes = Array(hash.utf8)
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let plain = "expected a bcrypt hash ($2y$10$… as `htpasswd -nbB USER PASSWORD` prints after the colon), not a password"
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]), bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$")
        else { return plain }
        guard let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), (4...31).contains(cost) else {
            return "the bcrypt cost must be two digits from 04 to 31"
        }
        guard bytes[7...].allSatisfy(alphabet.contains) else { return plain }
        return nil
    }

    /// The cost of a hash, nil when it is not one.
    package static func cost(_ hash: String) -> Int? {
        problem(hash) == nil ? Int(String(decoding: Array(hash.utf8)[4..<6], as: UTF8.self)) : nil
    }
}
