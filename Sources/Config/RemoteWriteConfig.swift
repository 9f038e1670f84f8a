// The `remote_write:` list: where samples are pushed, in Prometheus's field names.

/// One remote-write endpoint, as Prometheus's `remote_write` entries name their fields.
/// `${VAR}` in `url`, `headers`, `bearer_token` and `basic_auth.password` is replaced by the
/// environment variable's value at load.
package struct RemoteWriteConfig: Sendable, Hashable, Codable {
    /// The receiver's write URL (Prometheus `/api/v1/write`, Mimir `/api/v1/push`, …).
    package var url: String
    /// A name for logs and the `remote` label of the self metrics (default: the URL's host and port).
    package var name: String?
    /// How long one request may take (default 30s, as Prometheus).
    package var remoteTimeout: ConfigDuration?
    /// Extra headers, e.g. `X-Scope-OrgID` for Mimir's tenant.
    package var headers: [String: String]?
    /// A bearer token sent as `Authorization: Bearer …`.
    package var bearerToken: String?
    /// HTTP basic credentials.
    package var basicAuth: RemoteWriteBasicAuth?
    /// TLS settings for https URLs.
    package var tlsConfig: RemoteWriteTLSConfig?
    /// Batching and retries.
    package var queueConfig: RemoteWriteQueueConfig?

    package init(url: String) {
        self.url = url
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        url = try container.decode(String.self, forKey: .url)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        remoteTimeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .remoteTimeout)
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers)
        bearerToken = try container.decodeIfPresent(String.self, forKey: .bearerToken)
        basicAuth = try container.decodeIfPresent(RemoteWriteBasicAuth.self, forKey: .basicAuth)
        tlsConfig = try container.decodeIfPresent(RemoteWriteTLSConfig.self, forKey: .tlsConfig)
        queueConfig = try container.decodeIfPresent(RemoteWriteQueueConfig.self, forKey: .queueConfig)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case url, name, headers
        case remoteTimeout = "remote_timeout"
        case bearerToken = "bearer_token"
        case basicAuth = "basic_auth"
        case tlsConfig = "tls_config"
        case queueConfig = "queue_config"
    }
}

/// `basic_auth:` of a remote-write endpoint.
package struct RemoteWriteBasicAuth: Sendable, Hashable, Codable {
    package var username: String
    package var password: String

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        username = try container.decode(String.self, forKey: .username)
        password = try container.decode(String.self, forKey: .password)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case username, password
    }
}

/// `tls_config:` of a remote-write endpoint.
package struct RemoteWriteTLSConfig: Sendable, Hashable, Codable {
    /// The CAs (PEM) the receiver's certificate must chain to, instead of the system's trust store.
    package var caFile: String?
    /// The client certificate (PEM) presented to a receiver that asks for one (mutual TLS).
    package var certFile: String?
    /// The client certificate's private key (PEM); given with `cert_file`.
    package var keyFile: String?

    /// Creates a value from its parts.
    package init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
        certFile = try container.decodeIfPresent(String.self, forKey: .certFile)
        keyFile = try container.decodeIfPresent(String.self, forKey: .keyFile)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case caFile = "ca_file"
        case certFile = "cert_file"
        case keyFile = "key_file"
    }
}

/// `queue_config:` of a remote-write endpoint: how samples are batched and retried.
package struct RemoteWriteQueueConfig: Sendable, Hashable, Codable {
    /// The most samples in one request (default 2000, as Prometheus).
    package var maxSamplesPerSend: Int?
    /// How often what was recorded is sent (default 5s, as Prometheus's longest wait for a batch).
    package var batchSendDeadline: ConfigDuration?
    /// The first retry's wait (default 30ms); each next one doubles, up to `max_backoff`.
    package var minBackoff: ConfigDuration?
    /// The longest wait between retries (default 5s).
    package var maxBackoff: ConfigDuration?

    /// Creates a value from its parts.
    package init(
        maxSamplesPerSend: Int? = nil, batchSendDeadline: ConfigDuration? = nil, minBackoff: ConfigDuration? = nil, maxBackoff: ConfigDuration? = nil
    ) {
        self.maxSamplesPerSend = maxSamplesPerSend
        self.batchSendDeadline = batchSendDeadline
        self.minBackoff = minBackoff
        self.maxBackoff = maxBackoff
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxSamplesPerSend = try container.decodeIfPresent(Int.self, forKey: .maxSamplesPerSend)
        batchSendDeadline = try container.decodeIfPresent(ConfigDuration.self, forKey: .batchSendDeadline)
        minBackoff = try container.decodeIfPresent(ConfigDuration.self, forKey: .minBackoff)
        maxBackoff = try container.decodeIfPresent(ConfigDuration.self, forKey: .maxBackoff)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case maxSamplesPerSend = "max_samples_per_send"
        case batchSendDeadline = "batch_send_deadline"
        case minBackoff = "min_backoff"
        case maxBackoff = "max_backoff"
    }
}
