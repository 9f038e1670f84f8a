// The outcome of a target's latest cycle: reachability, server facts, per-collector results.
import Postgres
import Store

/// What the latest sampling cycle of a target found, for self metrics, readiness and the logs.
package struct TargetStatus: Sendable {
    /// One collector's latest run.
    package struct CollectorResult: Sendable, Hashable {
        /// Whether it succeeded.
        package var success: Bool
        /// How long it took, in seconds.
        package var duration: Double
        /// How many series its last successful run produced.
        package var series: Int = 0
    }

    /// The target's name and labels.
    package var name: String
    package var labels: [Label]
    /// The loop's tick, in seconds (readiness allows two of them).
    package var interval: Double
    /// Whether the last connection and server check succeeded.
    package var up = false
    /// The server's facts, when up.
    package var server: ServerInfo?
    /// When a cycle last completed with the server up (wall clock, seconds).
    package var lastSuccess: Double?
    /// Why the target or a collector last failed, when it is failing now.
    package var failureReason: String?
    /// By collector name.
    package var collectors: [String: CollectorResult] = [:]

    /// Creates a value from its parts.
    package init(
        name: String, labels: [Label], interval: Double, up: Bool = false, server: ServerInfo? = nil, lastSuccess: Double? = nil,
        failureReason: String? = nil, collectors: [String: CollectorResult] = [:]
    ) {
        self.name = name
        self.labels = labels
        self.interval = interval
        self.up = up
        self.server = server
        self.lastSuccess = lastSuccess
        self.failureReason = failureReason
        self.collectors = collectors
    }

    /// Whether the target counts as ready at `now`: sampled successfully within two intervals.
    func isReady(now: Double) -> Bool {
        guard let lastSuccess else { return false }
        return now - lastSuccess <= 2 * interval
    }

    /// Why the target is not ready at `now`, nil when it is.
    package func notReadyReason(now: Double) -> String? {
        if isReady(now: now) { return nil }
        if let failureReason { return failureReason }
        guard let lastSuccess else { return "not sampled yet" }
        return "last successful sample \(Int(now - lastSuccess))s ago"
    }
}
