// Per-collector settings from the config file's `collectors:` section, validated against the collector.

/// The options a user may set for one collector; which of them a collector accepts is declared in
/// `CollectorRegistry`.
package struct CollectorOptions: Sendable, Hashable, Codable {
    /// Whether the collector runs (default true).
    package var enabled: Bool?
    /// How often it runs (default: the collector's own default, else the global interval).
    package var interval: ConfigDuration?
    /// How many objects (e.g. tables per database) it reports individually; the rest are summed.
    package var limit: Int?
    /// The window over which it derives ratios (e.g. the cache hit ratio) or fits forecasts' trends.
    package var window: ConfigDuration?
    /// The size in bytes a forecast counts down to (a database's size, a slot's retained WAL).
    package var budgetBytes: Int?

    /// No overrides.
    package init(enabled: Bool? = nil, interval: ConfigDuration? = nil, limit: Int? = nil, window: ConfigDuration? = nil, budgetBytes: Int? = nil) {
        self.enabled = enabled
        self.interval = interval
        self.limit = limit
        self.window = window
        self.budgetBytes = budgetBytes
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled)
        interval = try container.decodeIfPresent(ConfigDuration.self, forKey: .interval)
        limit = try container.decodeIfPresent(Int.self, forKey: .limit)
        window = try container.decodeIfPresent(ConfigDuration.self, forKey: .window)
        budgetBytes = try container.decodeIfPresent(Int.self, forKey: .budgetBytes)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, interval, limit, window
        case budgetBytes = "budget_bytes"
    }
}
