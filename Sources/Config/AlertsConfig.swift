// The `alerts:` section of the config: rules, receivers, the spool, and how often to evaluate.

/// Alerting configuration.
package struct AlertsConfig: Sendable, Hashable, Codable {
    /// How often rules are evaluated (default: the global interval).
    package var evaluationInterval: ConfigDuration?
    /// How often a firing alert is notified again (default 4h, like Alertmanager).
    package var repeatInterval: ConfigDuration?
    /// The URL people reach this agent at, used in payloads (default `http://HOSTNAME:PORT`).
    package var externalURL: String?
    /// The rules.
    package var rules: [AlertRuleConfig] = []
    /// Where notifications go.
    package var receivers: [ReceiverConfig] = []
    /// The spool directory (one subdirectory per receiver).
    package var spool: String?

    package init() {}

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        evaluationInterval = try container.decodeIfPresent(ConfigDuration.self, forKey: .evaluationInterval)
        repeatInterval = try container.decodeIfPresent(ConfigDuration.self, forKey: .repeatInterval)
        externalURL = try container.decodeIfPresent(String.self, forKey: .externalURL)
        rules = try container.decodeIfPresent([AlertRuleConfig].self, forKey: .rules) ?? []
        receivers = try container.decodeIfPresent([ReceiverConfig].self, forKey: .receivers) ?? []
        spool = try container.decodeIfPresent(String.self, forKey: .spool)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case evaluationInterval = "evaluation_interval"
        case repeatInterval = "repeat_interval"
        case externalURL = "external_url"
        case rules, receivers, spool
    }
}

/// One rule as written in the config.
package struct AlertRuleConfig: Sendable, Hashable, Codable {
    package var alert: String
    package var expr: String
    package var `for`: ConfigDuration?
    package var resolve: String?
    package var labels: [String: String]?
    package var annotations: [String: String]?

    package init(
        alert: String, expr: String, for hold: ConfigDuration? = nil, resolve: String? = nil,
        labels: [String: String]? = nil, annotations: [String: String]? = nil
    ) {
        self.alert = alert
        self.expr = expr
        self.for = hold
        self.resolve = resolve
        self.labels = labels
        self.annotations = annotations
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        alert = try container.decode(String.self, forKey: .alert)
        expr = try container.decode(String.self, forKey: .expr)
        self.for = try container.decodeIfPresent(ConfigDuration.self, forKey: .for)
        resolve = try container.decodeIfPresent(String.self, forKey: .resolve)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case alert, expr, `for`, resolve, labels, annotations
    }
}

/// One receiver as written in the config. `${VAR}` in `url`, `headers` and `routing_key` is
/// replaced by the environment variable's value at load.
package struct ReceiverConfig: Sendable, Hashable, Codable {
    package var name: String
    package var url: String
    package var format: PayloadFormat?
    package var headers: [String: String]?
    package var timeout: ConfigDuration?
    package var routingKey: String?

    package init(
        name: String, url: String, format: PayloadFormat? = nil, headers: [String: String]? = nil,
        timeout: ConfigDuration? = nil, routingKey: String? = nil
    ) {
        self.name = name
        self.url = url
        self.format = format
        self.headers = headers
        self.timeout = timeout
        self.routingKey = routingKey
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        url = try container.decode(String.self, forKey: .url)
        if let formatName = try container.decodeIfPresent(String.self, forKey: .format) {
            guard let format = PayloadFormat(rawValue: formatName) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .format, in: container,
                    debugDescription:
                        "unknown format \"\(formatName)\"; formats are: \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.format = format
        }
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers)
        timeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .timeout)
        routingKey = try container.decodeIfPresent(String.self, forKey: .routingKey)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, url, format, headers, timeout
        case routingKey = "routing_key"
    }
}
