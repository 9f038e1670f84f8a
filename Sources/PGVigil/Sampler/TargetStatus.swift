// The outcome of a target's latest cycle: reachability, server facts, per-collector results.

/// What the latest sampling cycle of a target found, for self metrics, readiness and the logs.
struct TargetStatus: Sendable {
    /// One collector's latest run.
    struct CollectorResult: Sendable, Hashable {
        /// Whether it succeeded.
        var success: Bool
        /// How long it took, in seconds.
        var duration: Double
        /// How many series its last successful run produced.
        var series: Int = 0
    }

    /// The target's name and labels.
    var name: String
    var labels: [Label]
    /// The loop's tick, in seconds (readiness allows two of them).
    var interval: Double
    /// Whether the last connection and server check succeeded.
    var up = false
    /// The server's facts, when up.
    var server: ServerInfo?
    /// When a cycle last completed with the server up (wall clock, seconds).
    var lastSuccess: Double?
    /// Why the target or a collector last failed, when it is failing now.
    var failureReason: String?
    /// By collector name.
    var collectors: [String: CollectorResult] = [:]

    /// Whether the target counts as ready at `now`: sampled successfully within two intervals.
    func isReady(now: Double) -> Bool {
        guard let lastSuccess else { return false }
        return now - lastSuccess <= 2 * interval
    }

    /// Why the target is not ready at `now`, nil when it is.
    func notReadyReason(now: Double) -> String? {
        if isReady(now: now) { return nil }
        if let failureReason { return failureReason }
        guard let lastSuccess else { return "not sampled yet" }
        return "last successful sample \(Int(now - lastSuccess))s ago"
    }
}
