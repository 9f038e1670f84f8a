// The decisions of one target's sampling loop, apart from its I/O: when to try the server, which collectors are due, what to log.
import Collectors
import Support

/// What a target's loop decides, as a value driven by events (a tick, the server check's
/// outcome, each collector's outcome) that answers with what to do: try the server or not,
/// which collectors are due, what to log. It does no I/O and reads no clock, so every decision is
/// tested on its own (`TargetLoopStateTests`); `TargetSampler` carries them out.
package struct TargetLoopState: Sendable {
    /// A line for the log: a failure the first time it is seen (or when its message changes),
    /// and its end.
    package enum LogLine: Sendable, Equatable {
        case warning(String)
        case info(String)
    }

    /// The key failures of the server check are reported under (collectors use their names).
    package static let connectionKey = "connection"

    /// The loop's tick in seconds (the shortest collector interval).
    private let interval: Double
    /// How reconnects back off: doubling from one interval, at most 4 intervals or a minute
    /// (never less than one interval), without jitter.
    private let backoff: ExponentialBackoff
    /// Server checks that failed in a row.
    private var connectionFailures = 0
    /// No server check before this time (wall-clock seconds).
    private(set) var nextConnectionAttempt = -Double.infinity
    /// When each collector last ran.
    private var lastRun: [String: Double] = [:]
    /// The failures reported and not yet over, by key.
    private var reported: [String: String] = [:]

    /// The state of a loop that ticks every `interval` seconds and has not run yet.
    package init(interval: Double) {
        self.interval = interval
        backoff = ExponentialBackoff(initial: interval, maximum: max(interval, min(60, 4 * interval)))
    }

    /// Whether the server is checked at `now`, or the loop is still backing off.
    package func checksServer(at now: Double) -> Bool {
        now >= nextConnectionAttempt
    }

    /// The collectors of `schedule` due at `now` on a server of `versionNumber`, in schedule
    /// order. A collector is due when its interval has passed, less half a tick, so timer jitter
    /// never makes it skip a tick; one the server is too old for never is. Only `willRun` marks
    /// one as run, so a collector a cycle ended before is due again at the next tick.
    package func dueCollectors(_ schedule: [ScheduledCollector], versionNumber: Int, at now: Double) -> [ScheduledCollector] {
        let tolerance = interval / 2
        return schedule.filter { scheduled in
            guard versionNumber >= scheduled.collector.minimumServerVersion else { return false }
            guard let last = lastRun[scheduled.collector.name] else { return true }
            return now - last >= scheduled.interval.seconds - tolerance
        }
    }

    /// `collector` starts its run of the cycle at `now`.
    package mutating func willRun(_ collector: String, at now: Double) {
        lastRun[collector] = now
    }

    /// The server answered its check.
    package mutating func serverAnswered() -> [LogLine] {
        recovered(Self.connectionKey)
    }

    /// A cycle ended with the target up: reconnects start backing off from one interval again.
    package mutating func cycleSucceeded() {
        connectionFailures = 0
    }

    /// The server did not answer at `now` (or a collector lost the connection): the next check
    /// waits out the backoff (half a tick early, so it falls on a tick), and every collector is
    /// due again once it answers.
    package mutating func serverFailed(_ reason: String, at now: Double) -> [LogLine] {
        connectionFailures += 1
        lastRun = [:]
        nextConnectionAttempt = now + backoff.delay(afterFailures: connectionFailures) - interval / 2
        return failed(Self.connectionKey, "target down: \(reason)")
    }

    /// `collector` succeeded.
    package mutating func collectorSucceeded(_ collector: String) -> [LogLine] {
        recovered(collector)
    }

    /// `collector` failed with `reason`.
    package mutating func collectorFailed(_ collector: String, _ reason: String) -> [LogLine] {
        failed(collector, "collector \(collector) failed: \(reason)")
    }

    /// The failure the target's status shows: of those reported and not over, the one whose key
    /// (`connection` or a collector's name) sorts first; nil when none is.
    package var failureReason: String? {
        reported.sorted { $0.key < $1.key }.first?.value
    }

    private mutating func failed(_ key: String, _ message: String) -> [LogLine] {
        guard reported[key] != message else { return [] }
        reported[key] = message
        return [.warning(message)]
    }

    private mutating func recovered(_ key: String) -> [LogLine] {
        guard reported.removeValue(forKey: key) != nil else { return [] }
        return [.info(key == Self.connectionKey ? "target is up again" : "collector \(key) recovered")]
    }
}
