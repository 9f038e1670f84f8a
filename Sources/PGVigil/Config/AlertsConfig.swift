// The `alerts:` section of the config: rules, receivers, the spool, and how often to evaluate.

/// Alerting configuration.
struct AlertsConfig: Sendable, Hashable, Codable {
    /// How often rules are evaluated (default: the global interval).
    var evaluationInterval: ConfigDuration?
    /// How often a firing alert is notified again (default 4h, like Alertmanager).
    var repeatInterval: ConfigDuration?
    /// The URL people reach this agent at, used in payloads (default `http://HOSTNAME:PORT`).
    var externalURL: String?
    /// The rules.
    var rules: [AlertRuleConfig] = []
    /// Where notifications go.
    var receivers: [ReceiverConfig] = []
    /// The spool directory (one subdirectory per receiver).
    var spool: String?

    init() {}

    init(from decoder: any Decoder) throws {
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
    enum CodingKeys: String, CodingKey, CaseIterable {
        case evaluationInterval = "evaluation_interval"
        case repeatInterval = "repeat_interval"
        case externalURL = "external_url"
        case rules, receivers, spool
    }
}

/// One rule as written in the config.
struct AlertRuleConfig: Sendable, Hashable, Codable {
    var alert: String
    var expr: String
    var `for`: ConfigDuration?
    var resolve: String?
    var labels: [String: String]?
    var annotations: [String: String]?

    init(alert: String, expr: String, for hold: ConfigDuration? = nil, resolve: String? = nil,
         labels: [String: String]? = nil, annotations: [String: String]? = nil) {
        self.alert = alert
        self.expr = expr
        self.for = hold
        self.resolve = resolve
        self.labels = labels
        self.annotations = annotations
    }

    init(from decoder: any Decoder) throws {
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
    enum CodingKeys: String, CodingKey, CaseIterable {
        case alert, expr, `for`, resolve, labels, annotations
    }
}

/// One receiver as written in the config. `${VAR}` in `url`, `headers` and `routing_key` is
/// replaced by the environment variable's value at load.
struct ReceiverConfig: Sendable, Hashable, Codable {
    var name: String
    var url: String
    var format: PayloadFormat?
    var headers: [String: String]?
    var timeout: ConfigDuration?
    var routingKey: String?

    init(name: String, url: String, format: PayloadFormat? = nil, headers: [String: String]? = nil,
         timeout: ConfigDuration? = nil, routingKey: String? = nil) {
        self.name = name
        self.url = url
        self.format = format
        self.headers = headers
        self.timeout = timeout
        self.routingKey = routingKey
    }

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        url = try container.decode(String.self, forKey: .url)
        if let formatName = try container.decodeIfPresent(String.self, forKey: .format) {
            guard let format = PayloadFormat(rawValue: formatName) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .format, in: container,
                    debugDescription: "unknown format \"\(formatName)\"; formats are: \(PayloadFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self.format = format
        }
        headers = try container.decodeIfPresent([String: String].self, forKey: .headers)
        timeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .timeout)
        routingKey = try container.decodeIfPresent(String.self, forKey: .routingKey)
    }

    /// The field names as written in YAML/JSON.
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, url, format, headers, timeout
        case routingKey = "routing_key"
    }
}
