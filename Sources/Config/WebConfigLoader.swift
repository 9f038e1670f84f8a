// Reads and checks the web configuration file; every error names that file, the line and the field.
import Support
import YAML

/// Loads `--web.config.file`: exporter-toolkit's format, checked as exporter-toolkit checks it
/// (bcrypt hashes, the allowed security headers).
package enum WebConfigLoader {
    /// The web config in `file`, checked.
    package static func load(file: String) throws(ConfigError) -> WebConfig {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(file)
        } catch {
            throw ConfigError(file: file, field: "", message: "cannot read the web config file: \(error.reason)")
        }
        let (config, document) = try ConfigLoader.decode(WebConfig.self, yaml: bytes, file: file, empty: WebConfig())
        do {
            try WebConfigValidator.validate(config)
        } catch {
            let mark = document?.mark(at: error.path)
            throw ConfigError(file: file, line: mark?.line, column: mark?.column, field: ConfigLoader.fieldName(error.path), message: error.message)
        }
        return config
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
        if config.tlsServerConfig != nil {
            throw ConfigProblem(
                path: [Key.tlsServerConfig],
                message: "TLS is not served by this version of pgvigil yet; leave tls_server_config out and terminate TLS in front of the agent")
        }
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
