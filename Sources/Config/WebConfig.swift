// The web configuration file, in prometheus/exporter-toolkit's format (`--web.config.file`).

/// The file `web_config_file:` or `--web.config.file` names: the format of exporter-toolkit, which
/// node_exporter, postgres_exporter and most exporters share, so an existing file works unchanged.
/// Unknown fields are errors, as they are there.
package struct WebConfig: Sendable, Hashable, Codable {
    /// `tls_server_config`: the server's certificate and client verification.
    package var tlsServerConfig: WebTLSConfig?
    /// `http_server_config`.
    package var httpServerConfig = WebHTTPConfig()
    /// `basic_auth_users`: user name → bcrypt hash (`$2a$`, `$2b$`, `$2y$`).
    package var basicAuthUsers: [String: String] = [:]
    /// `auth_excluded_paths`: the paths answered without credentials; nil: only `/healthz`.
    package var authExcludedPaths: [String]?
    /// `rate_limit`: a token bucket over every request; nil (or a zero interval): none.
    package var rateLimit: WebRateLimit?

    /// An empty web config: plain HTTP, no users.
    package init() {}

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // As exporter-toolkit: a section without certificate, key, CA or client_auth_type is no TLS.
        tlsServerConfig = try container.decodeIfPresent(WebTLSConfig.self, forKey: .tlsServerConfig).flatMap { $0.isEnabled ? $0 : nil }
        httpServerConfig = try container.decodeIfPresent(WebHTTPConfig.self, forKey: .httpServerConfig) ?? WebHTTPConfig()
        basicAuthUsers = try container.decodeIfPresent([String: String].self, forKey: .basicAuthUsers) ?? [:]
        authExcludedPaths = try container.decodeIfPresent([String].self, forKey: .authExcludedPaths)
        // As exporter-toolkit: an interval of 0 disables the limiter.
        rateLimit = try container.decodeIfPresent(WebRateLimit.self, forKey: .rateLimit).flatMap { $0.interval.duration > .zero ? $0 : nil }
    }

    /// The field names as written in YAML.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case tlsServerConfig = "tls_server_config"
        case httpServerConfig = "http_server_config"
        case basicAuthUsers = "basic_auth_users"
        case authExcludedPaths = "auth_excluded_paths"
        case rateLimit = "rate_limit"
    }
}

/// `rate_limit`, exporter-toolkit's token bucket: `burst` requests at once, then one more every
/// `interval`; a request beyond it is answered 429.
package struct WebRateLimit: Sendable, Hashable, Codable {
    /// The time between two requests once the burst is spent.
    package var interval: ConfigDuration
    /// Requests admitted at once.
    package var burst: Int

    /// A limiter from its parts.
    package init(interval: ConfigDuration, burst: Int) {
        self.interval = interval
        self.burst = burst
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        interval = try container.decodeIfPresent(ConfigDuration.self, forKey: .interval) ?? ConfigDuration(.zero)
        burst = try container.decodeIfPresent(Int.self, forKey: .burst) ?? 0
    }

    /// The field names as written in YAML.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case interval, burst
    }
}

/// `tls_server_config`, with exporter-toolkit's field names (certificates as files or inline).
/// Paths are relative to the web config file's directory (`WebConfigLoader` makes them absolute).
package struct WebTLSConfig: Sendable, Hashable, Codable {
    /// `cert_file`: the server's certificate chain (PEM), leaf first; re-read when it changes.
    package var certFile: String?
    /// `key_file`: the private key of the leaf certificate (PEM); re-read when it changes.
    package var keyFile: String?
    /// `cert`: the chain as inline PEM, instead of `cert_file`.
    package var cert: String?
    /// `key`: the key as inline PEM, instead of `key_file`.
    package var key: String?
    /// `client_auth_type`: a `TLSClientAuthentication` name; absent is `NoClientCert`.
    package var clientAuthType: String?
    /// `client_ca_file`: the CAs (PEM) that client certificates must chain to.
    package var clientCAFile: String?
    /// `client_ca`: those CAs as inline PEM, instead of `client_ca_file`.
    package var clientCA: String?
    /// `client_allowed_sans`: a client certificate must carry one of these subject alternative
    /// names (DNS name, e-mail address, IP address or URI, written as Go prints them).
    package var clientAllowedSans: [String]?
    /// `min_version`: a `TLSProtocolVersion` name; absent is TLS12.
    package var minVersion: String?
    /// `max_version`: a `TLSProtocolVersion` name; absent is TLS13.
    package var maxVersion: String?
    /// `cipher_suites`: the TLS 1.2 suites offered, by IANA name; absent is BoringSSL's defaults.
    package var cipherSuites: [String]?
    /// `curve_preferences`: the key-exchange groups offered, by Go's names.
    package var curvePreferences: [String]?
    /// `prefer_server_cipher_suites`: accepted and without effect, as in Go since 1.18.
    package var preferServerCipherSuites: Bool?

    /// Decodes the section; an empty string is an absent field, as in exporter-toolkit (templated
    /// files often carry `cert_file: ""`).
    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func text(_ key: CodingKeys) throws -> String? {
            try container.decodeIfPresent(String.self, forKey: key).flatMap { $0.isEmpty ? nil : $0 }
        }
        certFile = try text(.certFile)
        keyFile = try text(.keyFile)
        cert = try text(.cert)
        key = try text(.key)
        clientAuthType = try text(.clientAuthType)
        clientCAFile = try text(.clientCAFile)
        clientCA = try text(.clientCA)
        clientAllowedSans = try container.decodeIfPresent([String].self, forKey: .clientAllowedSans)
        minVersion = try container.decodeIfPresent(String.self, forKey: .minVersion)
        maxVersion = try container.decodeIfPresent(String.self, forKey: .maxVersion)
        cipherSuites = try container.decodeIfPresent([String].self, forKey: .cipherSuites)
        curvePreferences = try container.decodeIfPresent([String].self, forKey: .curvePreferences)
        preferServerCipherSuites = try container.decodeIfPresent(Bool.self, forKey: .preferServerCipherSuites)
    }

    /// False for a section that names no certificate, key, CA or client_auth_type: exporter-toolkit
    /// then serves plain HTTP, and so does the agent.
    var isEnabled: Bool {
        [certFile, keyFile, cert, key, clientCAFile, clientCA, clientAuthType].contains { $0 != nil }
    }

    /// Prefixes the relative file paths with `directory` (which ends in `/`).
    mutating func resolvePaths(relativeTo directory: String) {
        for path in [\Self.certFile, \.keyFile, \.clientCAFile] {
            if let relative = self[keyPath: path], !relative.hasPrefix("/") { self[keyPath: path] = directory + relative }
        }
    }

    /// The field names as written in YAML.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case certFile = "cert_file"
        case keyFile = "key_file"
        case cert, key
        case clientAuthType = "client_auth_type"
        case clientCAFile = "client_ca_file"
        case clientCA = "client_ca"
        case clientAllowedSans = "client_allowed_sans"
        case minVersion = "min_version"
        case maxVersion = "max_version"
        case cipherSuites = "cipher_suites"
        case curvePreferences = "curve_preferences"
        case preferServerCipherSuites = "prefer_server_cipher_suites"
    }
}

/// `http_server_config`: whether HTTP/2 is offered over TLS, and extra response headers.
package struct WebHTTPConfig: Sendable, Hashable, Codable {
    /// exporter-toolkit's `http2` (default true); the agent serves HTTP/1.1 either way.
    package var http2 = true
    /// Headers added to every response; only the security headers exporter-toolkit allows.
    package var headers: [String: String] = [:]

    /// The defaults.
    package init() {}

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        http2 = try container.decodeIfPresent(Bool.self, forKey: .http2) ?? true
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
    }

    /// The field names as written in YAML.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case http2, headers
    }
}
