// `history_tiers:`: the consolidated history kept beside each series' raw points.

/// One consolidated tier: every `step`, a series' samples are summarised into one point
/// (minimum, average, maximum; a counter's last value), and `keep` of those points are held.
package struct HistoryTierConfig: Sendable, Hashable, Codable {
    /// The span each consolidated point covers.
    package var step: ConfigDuration
    /// How long the points are kept.
    package var keep: ConfigDuration

    /// The default tiers, as RRD-style monitors keep them: 5-minute points for a day, then
    /// 30-minute points for 8 days (288 + 384 points a series; one 5-minute tier for 8 days held
    /// 2,304, three times the memory, for detail a week-long view does not show).
    package static let defaults = [
        HistoryTierConfig(step: ConfigDuration(.seconds(300)), keep: ConfigDuration(.seconds(86_400))),
        HistoryTierConfig(step: ConfigDuration(.seconds(1_800)), keep: ConfigDuration(.seconds(8 * 86_400))),
    ]

    /// Creates a value from its parts.
    package init(step: ConfigDuration, keep: ConfigDuration) {
        self.step = step
        self.keep = keep
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        step = try container.decode(ConfigDuration.self, forKey: .step)
        keep = try container.decode(ConfigDuration.self, forKey: .keep)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case step, keep
    }
}
