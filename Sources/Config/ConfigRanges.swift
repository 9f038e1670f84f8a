// The documented range of every number in the config, checked before anything runs.
import Support

/// The range each number of the config must fall in, and the check that names the field at
/// fault. README's configuration table states the same ranges.
package enum ConfigRanges {
    /// An inclusive range of durations.
    package struct DurationRange: Sendable {
        package var minimum: Duration
        package var maximum: Duration

        /// `from MINIMUM to MAXIMUM` in the config's notation.
        package var description: String { "from \(ConfigDuration(minimum)) to \(ConfigDuration(maximum))" }
    }

    /// `interval` and every collector's `interval`.
    package static let interval = DurationRange(minimum: .milliseconds(100), maximum: .seconds(86_400))
    /// `timeout`: each connect and statement.
    package static let timeout = DurationRange(minimum: .milliseconds(100), maximum: .seconds(600))
    /// `history`: its minimum is also at least the interval.
    package static let history = DurationRange(minimum: .milliseconds(100), maximum: .seconds(35 * 86_400))
    /// The most points a series' history may hold (history / the shortest interval that fills it).
    static let maximumPointsPerSeries = 200_000
    /// A collector's `window` and a rule's `[range]`: at most the history, which holds the points.
    package static let window = DurationRange(minimum: .milliseconds(1), maximum: .seconds(35 * 86_400))
    /// A history tier's `step`.
    package static let tierStep = DurationRange(minimum: .seconds(1), maximum: .seconds(86_400))
    /// A history tier's `keep`.
    package static let tierKeep = DurationRange(minimum: .seconds(60), maximum: .seconds(400 * 86_400))
    /// The most tiers `history_tiers` may list.
    static let maximumTiers = 8
    /// A collector's `limit`.
    package static let limit = 1...100_000
    /// A collector's `budget_bytes`: a byte to an exbibyte.
    package static let budgetBytes = 1...(1 << 60)
    /// `alerts.evaluation_interval`.
    package static let evaluationInterval = DurationRange(minimum: .milliseconds(100), maximum: .seconds(86_400))
    /// `alerts.repeat_interval`.
    package static let repeatInterval = DurationRange(minimum: .seconds(1), maximum: .seconds(35 * 86_400))
    /// A rule's `for`.
    package static let hold = DurationRange(minimum: .zero, maximum: .seconds(35 * 86_400))
    /// A receiver's `timeout`.
    static let receiverTimeout = DurationRange(minimum: .milliseconds(100), maximum: .seconds(600))

    /// A `file_sd` entry's `refresh_interval`.
    package static let fileSDRefresh = DurationRange(minimum: .seconds(1), maximum: .seconds(86_400))
    /// A `remote_write` entry's limits.
    package enum RemoteWrite {
        package static let remoteTimeout = DurationRange(minimum: .milliseconds(100), maximum: .seconds(600))
        package static let maxSamplesPerSend = 1...100_000
        package static let batchSendDeadline = DurationRange(minimum: .milliseconds(100), maximum: .seconds(3600))
        package static let backoff = DurationRange(minimum: .milliseconds(1), maximum: .seconds(600))
    }

    /// The `http:` section's limits.
    package enum HTTP {
        package static let maxConnections = 1...65_536
        package static let idleTimeout = DurationRange(minimum: .milliseconds(100), maximum: .seconds(3600))
        package static let requestHeadTimeout = DurationRange(minimum: .milliseconds(100), maximum: .seconds(300))
        package static let maxHeaderBytes = 1024...1_048_576
        package static let maxHeaderFields = 8...10_000
        package static let maxBodyBytes = 0...16_777_216
        package static let maxRequestsInFlight = 1...65_536
    }

    /// Throws naming `path` if `value` (when set) is outside `range`.
    package static func check(_ value: ConfigDuration?, in range: DurationRange, at path: [any CodingKey]) throws(ConfigProblem) {
        guard let value else { return }
        guard value.duration >= range.minimum, value.duration <= range.maximum else {
            throw ConfigProblem(path: path, message: "\(value) is out of range: must be \(range.description)")
        }
    }

    /// Throws naming `path` if `value` (when set) is outside `range`.
    package static func check(_ value: Int?, in range: ClosedRange<Int>, at path: [any CodingKey]) throws(ConfigProblem) {
        guard let value else { return }
        guard range.contains(value) else {
            throw ConfigProblem(path: path, message: "\(value) is out of range: must be from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// Checks every duration and number of `config` against its range, and that the series' histories
    /// `history` implies hold what windows and rules ask of them.
    package static func check(_ config: AgentConfig) throws(ConfigProblem) {
        typealias Key = AgentConfig.CodingKeys
        try check(config.interval, in: interval, at: [Key.interval])
        try check(config.timeout, in: timeout, at: [Key.timeout])
        try check(config.history, in: history, at: [Key.history])
        if config.history.duration < config.interval.duration {
            throw ConfigProblem(path: [Key.history], message: "must be at least the interval (\(config.interval))")
        }
        try checkPoints(history: config.history, interval: config.interval, at: [Key.interval])
        try checkTiers(config)
        for (name, options) in config.collectors.sorted(by: { $0.key < $1.key }) {
            let path: [any CodingKey] = [Key.collectors, AnyCodingKey(stringValue: name)]
            typealias Option = CollectorOptions.CodingKeys
            try check(options.interval, in: interval, at: path + [Option.interval])
            if let collectorInterval = options.interval {
                try checkPoints(history: config.history, interval: collectorInterval, at: path + [Option.interval])
            }
            try check(options.window, in: window, at: path + [Option.window])
            if let collectorWindow = options.window, collectorWindow.duration > config.historyReach.duration {
                throw ConfigProblem(
                    path: path + [Option.window],
                    message: "\(collectorWindow) is longer than history and its tiers reach (\(config.historyReach)), which hold the points")
            }
            try check(options.limit, in: limit, at: path + [Option.limit])
            try check(options.budgetBytes, in: budgetBytes, at: path + [Option.budgetBytes])
        }
        try check(config.alerts)
        try check(config.http)
    }

    private static func check(_ http: HTTPServerConfig) throws(ConfigProblem) {
        typealias Key = HTTPServerConfig.CodingKeys
        let path: [any CodingKey] = [AgentConfig.CodingKeys.http]
        try check(http.maxConnections, in: HTTP.maxConnections, at: path + [Key.maxConnections])
        try check(http.idleTimeout, in: HTTP.idleTimeout, at: path + [Key.idleTimeout])
        try check(http.requestHeadTimeout, in: HTTP.requestHeadTimeout, at: path + [Key.requestHeadTimeout])
        try check(http.maxHeaderBytes, in: HTTP.maxHeaderBytes, at: path + [Key.maxHeaderBytes])
        try check(http.maxHeaderFields, in: HTTP.maxHeaderFields, at: path + [Key.maxHeaderFields])
        try check(http.maxBodyBytes, in: HTTP.maxBodyBytes, at: path + [Key.maxBodyBytes])
        try check(http.maxRequestsInFlight, in: HTTP.maxRequestsInFlight, at: path + [Key.maxRequestsInFlight])
    }

    private static func check(_ alerts: AlertsConfig) throws(ConfigProblem) {
        typealias Key = AlertsConfig.CodingKeys
        let path: [any CodingKey] = [AgentConfig.CodingKeys.alerts]
        try check(alerts.evaluationInterval, in: evaluationInterval, at: path + [Key.evaluationInterval])
        try check(alerts.repeatInterval, in: repeatInterval, at: path + [Key.repeatInterval])
        for (index, rule) in alerts.rules.enumerated() {
            let rulePath = path + [Key.rules, AnyCodingKey(index: index)]
            try check(rule.for, in: hold, at: rulePath + [AlertRuleConfig.CodingKeys.for])
        }
        for (index, receiver) in alerts.receivers.enumerated() {
            try check(
                receiver.timeout, in: receiverTimeout, at: path + [Key.receivers, AnyCodingKey(index: index), ReceiverConfig.CodingKeys.timeout])
        }
    }

    /// Throws if history / `interval` is more points than a series' history may hold.
    /// Each tier in range, coarser and longer than the one before it, reaching beyond `history`.
    private static func checkTiers(_ config: AgentConfig) throws(ConfigProblem) {
        typealias Key = HistoryTierConfig.CodingKeys
        let tiers = config.historyTiers
        guard tiers.count <= maximumTiers else {
            throw ConfigProblem(path: [AgentConfig.CodingKeys.historyTiers], message: "\(tiers.count) tiers; at most \(maximumTiers)")
        }
        for (index, tier) in tiers.enumerated() {
            let path: [any CodingKey] = [AgentConfig.CodingKeys.historyTiers, AnyCodingKey(index: index)]
            try check(tier.step, in: tierStep, at: path + [Key.step])
            try check(tier.keep, in: tierKeep, at: path + [Key.keep])
            let points = tier.keep.duration.seconds / tier.step.duration.seconds
            guard points <= Double(maximumPointsPerSeries) else {
                throw ConfigProblem(
                    path: path + [Key.keep],
                    message: "\(tier.keep) at a \(tier.step) step is \(Int(points)) points per series; at most \(maximumPointsPerSeries)")
            }
            guard tier.keep.duration > config.history.duration else {
                throw ConfigProblem(
                    path: path + [Key.keep], message: "\(tier.keep) is not longer than history (\(config.history)): the tier adds nothing")
            }
            guard tier.step.duration > config.interval.duration else {
                throw ConfigProblem(
                    path: path + [Key.step], message: "\(tier.step) is not longer than the interval (\(config.interval)): nothing to consolidate")
            }
            if index > 0 {
                let finer = tiers[index - 1]
                guard tier.step.duration > finer.step.duration, tier.keep.duration > finer.keep.duration else {
                    throw ConfigProblem(
                        path: path, message: "must have a longer step and keep than the tier before it (\(finer.step) for \(finer.keep))")
                }
            }
        }
    }

    private static func checkPoints(history: ConfigDuration, interval: ConfigDuration, at path: [any CodingKey]) throws(ConfigProblem) {
        let points = history.duration.seconds / interval.duration.seconds
        guard points <= Double(maximumPointsPerSeries) else {
            throw ConfigProblem(
                path: path,
                message:
                    "history \(history) at \(interval) is \(Int(points)) points per series; at most \(maximumPointsPerSeries): lengthen the interval or shorten the history"
            )
        }
    }
}
