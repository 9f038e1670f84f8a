// Turns `remote_write:` and `external_labels:` into checked endpoints, or a problem naming the field.
import Config
import FoundationEssentials
import NIOSSL
import Store
import WebClient

/// One remote-write endpoint, resolved: `${VAR}` expanded, credentials made headers, defaults filled.
package struct RemoteWriteEndpoint: Sendable {
    /// The `remote` label of its self metrics and its name in logs.
    package var name: String
    /// The write URL (it may hold credentials: never logged).
    package var url: String
    /// Every header of a request but the protocol's own (tenant, credentials); secrets, never logged.
    package var headers: [(name: String, value: String)]
    /// Upper bound of one request.
    package var timeout: Duration
    /// The CAs its certificate must chain to and the client certificate presented to it.
    package var tls: WebClientTLS
    /// The most samples in one request.
    package var maxSamplesPerSend: Int
    /// How often what was recorded is sent.
    package var sendInterval: Duration
    /// The retries' backoff: from the first wait to the longest.
    package var minBackoff: Duration
    package var maxBackoff: Duration
}

/// Every remote-write endpoint and the labels added to what they are sent.
package struct RemoteWritePlan: Sendable {
    package var endpoints: [RemoteWriteEndpoint]
    /// `external_labels`, sorted by name.
    package var externalLabels: [Label]

    /// Resolves `config.remote_write` and `config.external_labels`; `${VAR}` is read from `environment`.
    package static func make(from config: AgentConfig, environment: [String: String]) throws(ConfigProblem) -> RemoteWritePlan {
        typealias Key = RemoteWriteConfig.CodingKeys
        for name in config.externalLabels.keys.sorted() where !ConfigValidator.isValidLabelName(name) {
            throw ConfigProblem(
                path: [AgentConfig.CodingKeys.externalLabels, AnyCodingKey(stringValue: name)],
                message: "\"\(name)\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")
        }
        var endpoints: [RemoteWriteEndpoint] = []
        for (index, entry) in config.remoteWrite.enumerated() {
            let path: [any CodingKey] = [AgentConfig.CodingKeys.remoteWrite, AnyCodingKey(index: index)]
            let url = try EnvironmentReferences.expand(entry.url, at: path + [Key.url], environment: environment)
            let parsed: WebURL
            do {
                parsed = try WebURL(url)
            } catch {
                throw ConfigProblem(path: path + [Key.url], message: error.message)
            }
            let name = entry.name ?? parsed.authority
            guard !name.isEmpty else { throw ConfigProblem(path: path + [Key.name], message: "must not be empty") }
            if endpoints.contains(where: { $0.name == name }) {
                throw ConfigProblem(
                    path: path + [entry.name == nil ? Key.url : Key.name],
                    message: "another remote_write entry is already named \"\(name)\" (give each a name:)")
            }
            var headers: [(name: String, value: String)] = []
            for (header, value) in (entry.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
                let headerPath = path + [Key.headers, AnyCodingKey(stringValue: header)]
                if ["authorization", "content-type", "content-encoding", "x-prometheus-remote-write-version"].contains(header.lowercased()) {
                    throw ConfigProblem(path: headerPath, message: "is set by the agent (use bearer_token or basic_auth for credentials)")
                }
                headers.append((header, try EnvironmentReferences.expand(value, at: headerPath, environment: environment)))
            }
            if entry.bearerToken != nil && entry.basicAuth != nil {
                throw ConfigProblem(path: path + [Key.bearerToken], message: "give bearer_token or basic_auth, not both")
            }
            if let token = entry.bearerToken {
                headers.append(
                    ("Authorization", "Bearer " + (try EnvironmentReferences.expand(token, at: path + [Key.bearerToken], environment: environment))))
            }
            if let basic = entry.basicAuth {
                let password = try EnvironmentReferences.expand(
                    basic.password, at: path + [Key.basicAuth, RemoteWriteBasicAuth.CodingKeys.password], environment: environment)
                headers.append(("Authorization", "Basic " + Data("\(basic.username):\(password)".utf8).base64EncodedString()))
            }
            typealias Queue = RemoteWriteQueueConfig.CodingKeys
            typealias Limits = ConfigRanges.RemoteWrite
            let queue = entry.queueConfig
            let queuePath = path + [Key.queueConfig]
            try ConfigRanges.check(entry.remoteTimeout, in: Limits.remoteTimeout, at: path + [Key.remoteTimeout])
            try ConfigRanges.check(queue?.maxSamplesPerSend, in: Limits.maxSamplesPerSend, at: queuePath + [Queue.maxSamplesPerSend])
            try ConfigRanges.check(queue?.batchSendDeadline, in: Limits.batchSendDeadline, at: queuePath + [Queue.batchSendDeadline])
            try ConfigRanges.check(queue?.minBackoff, in: Limits.backoff, at: queuePath + [Queue.minBackoff])
            try ConfigRanges.check(queue?.maxBackoff, in: Limits.backoff, at: queuePath + [Queue.maxBackoff])
            let endpoint = RemoteWriteEndpoint(
                name: name, url: url, headers: headers, timeout: entry.remoteTimeout?.duration ?? .seconds(30),
                tls: try checkedTLS(entry.tlsConfig, at: path + [Key.tlsConfig]),
                maxSamplesPerSend: queue?.maxSamplesPerSend ?? 2000, sendInterval: queue?.batchSendDeadline?.duration ?? .seconds(5),
                minBackoff: queue?.minBackoff?.duration ?? .milliseconds(30), maxBackoff: queue?.maxBackoff?.duration ?? .seconds(5))
            if endpoint.maxBackoff < endpoint.minBackoff {
                throw ConfigProblem(path: queuePath + [Queue.maxBackoff], message: "must be at least min_backoff")
            }
            endpoints.append(endpoint)
        }
        return RemoteWritePlan(
            endpoints: endpoints, externalLabels: config.externalLabels.sorted { $0.key < $1.key }.map { Label($0.key, $0.value) })
    }

    /// `tls_config` with its files read once (the client reads them again when they change): a
    /// file that does not read, a key without its certificate or one not belonging to it is a
    /// problem of its field.
    private static func checkedTLS(_ config: RemoteWriteTLSConfig?, at path: [any CodingKey]) throws(ConfigProblem) -> WebClientTLS {
        typealias Key = RemoteWriteTLSConfig.CodingKeys
        let tls = WebClientTLS(caFile: config?.caFile, certificateFile: config?.certFile, keyFile: config?.keyFile)
        switch (tls.certificateFile, tls.keyFile) {
        case (nil, _?): throw ConfigProblem(path: path + [Key.keyFile], message: "needs cert_file, the certificate it belongs to")
        case (_?, nil): throw ConfigProblem(path: path + [Key.certFile], message: "needs key_file, its private key")
        default: break
        }
        do {
            try tls.check()
        } catch {
            let field: Key =
                switch error.file {
                case .ca: .caFile
                case .certificate: .certFile
                case .key: .keyFile
                }
            throw ConfigProblem(path: path + [field], message: error.message)
        }
        return tls
    }
}
