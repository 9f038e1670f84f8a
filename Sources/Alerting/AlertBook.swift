// The shared record of active alerts: the evaluator's state behind an actor, saved across restarts.
import FoundationEssentials
import Store
import Support

/// Holds the evaluator so the alerting loop updates it and readers (metrics, the API) see it.
/// With a state directory, the pending and firing alerts are saved durably (on the disk thread)
/// at every transition — new pending, firing, re-notified, resolved or forgotten — and restored at
/// start: after a crash or restart, a firing alert is not notified twice, and its resolve is still
/// sent when the problem goes away. The latest value alone is no transition: it is saved with the
/// next one (the first evaluation after a restart replaces it anyway).
package actor AlertBook {
    /// The file name of the saved state inside the state directory.
    static let stateFileName = "alerts-state.json"

    private var evaluator: AlertEvaluator
    private let stateDirectory: String?
    private let disk: DiskWorker
    /// How many times the state was written (for tests: saves happen on transitions only).
    private(set) var saves = 0

    /// Creates a book, restoring the alerts saved in `stateDirectory` if there are any; saves run on `disk`.
    package init(repeatInterval: Duration, stateDirectory: String?, disk: DiskWorker) throws(SpoolError) {
        self.stateDirectory = stateDirectory
        self.disk = disk
        var restored: [AlertEvaluator.Instance] = []
        if let stateDirectory {
            try Spool.makeDirectory(stateDirectory)
            let path = stateDirectory + "/" + Self.stateFileName
            // No file is a first start; a file that cannot be read is an error, never a silent fresh start.
            let bytes: [UInt8]?
            do {
                bytes = try WholeFile.read(path)
            } catch {
                guard error.isMissing else { throw SpoolError(message: "cannot read the saved alert state \(path): \(error.reason)") }
                bytes = nil
            }
            if let bytes {
                do {
                    restored = try JSON.decoder().decode([AlertEvaluator.Instance].self, from: Data(bytes))
                } catch {
                    throw SpoolError(message: "the saved alert state \(path) is corrupt (\(error)); move it away to start afresh")
                }
            }
        }
        evaluator = AlertEvaluator(repeatInterval: repeatInterval, instances: restored)
    }

    /// The outcome of evaluating one rule.
    package struct Evaluation: Sendable {
        /// What to send.
        package var notifications: [AlertNotification]
        /// Instances that became pending in this evaluation (for the log).
        var newlyPending: [AlertEvaluator.Instance]
        /// Set when the state could not be saved; the notifications must still go out.
        var saveError: SpoolError?
    }

    /// Evaluates `rule` (see `AlertEvaluator.evaluate`) and saves the state after a transition.
    package func evaluate(_ rule: AlertRule, observations: [SeriesObservation], gaps: DataGaps, now: Double) async -> Evaluation {
        let before = evaluator.instances
        let notifications = evaluator.evaluate(rule, observations: observations, gaps: gaps, now: now)
        let newlyPending = evaluator.instances.values.filter { $0.state == .pending && before[$0.fingerprint] == nil }
        var evaluation = Evaluation(notifications: notifications, newlyPending: newlyPending)
        do {
            try await saveIfChanged(since: before)
        } catch {
            evaluation.saveError = error
        }
        return evaluation
    }

    /// Ends the alerts of rules no longer configured (see `AlertEvaluator.retire`) and returns the
    /// resolves to send; the state is saved if it changed, and a failed save is returned beside them.
    func retire(
        rulesNotIn names: Set<String>, previousRules: [String: AlertRule], now: Double
    ) async -> (notifications: [AlertNotification], saveError: SpoolError?) {
        let before = evaluator.instances
        let notifications = evaluator.retire(rulesNotIn: names, previousRules: previousRules, now: now)
        do {
            try await saveIfChanged(since: before)
            return (notifications, nil)
        } catch {
            return (notifications, error)
        }
    }

    /// Notifies firing alerts again every `interval` from now on (a reload changed it).
    func setRepeatInterval(_ interval: Duration) {
        evaluator.repeatInterval = interval
    }

    /// The pending and firing alerts.
    var instances: [AlertEvaluator.Instance] {
        evaluator.instances.values.sorted { ($0.rule, $0.fingerprint) < ($1.rule, $1.fingerprint) }
    }

    /// Saves the state if it differs from `before` in more than the latest values.
    private func saveIfChanged(since before: [String: AlertEvaluator.Instance]) async throws(SpoolError) {
        guard let stateDirectory, evaluator.instances.mapValues(\.durablePart) != before.mapValues(\.durablePart) else { return }
        let instances = instances
        saves += 1
        try await disk.run { () throws(SpoolError) in
            try Spool.writeJSONDurably(instances, directory: stateDirectory, name: Self.stateFileName)
        }
    }
}
