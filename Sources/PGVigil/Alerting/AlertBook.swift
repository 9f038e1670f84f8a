// The shared record of active alerts: the evaluator's state behind an actor, saved across restarts.
import FoundationEssentials

/// Holds the evaluator so the alerting loop updates it and readers (metrics, the API) see it.
/// With a state directory, the pending and firing alerts are saved durably after every change
/// and restored at start: after a crash or restart, a firing alert is not notified twice, and its
/// resolve is still sent when the problem goes away.
actor AlertBook {
    /// The file name of the saved state inside the state directory.
    static let stateFileName = "alerts-state.json"

    private var evaluator: AlertEvaluator
    private let stateDirectory: String?

    /// Creates a book, restoring the alerts saved in `stateDirectory` if there are any.
    init(repeatInterval: Duration, stateDirectory: String?) throws(SpoolError) {
        self.stateDirectory = stateDirectory
        var restored: [AlertEvaluator.Instance] = []
        if let stateDirectory {
            try Spool.makeDirectory(stateDirectory)
            let path = stateDirectory + "/" + Self.stateFileName
            if let data = FileManager.default.contents(atPath: path) {
                do {
                    restored = try JSONDecoder().decode([AlertEvaluator.Instance].self, from: data)
                } catch {
                    throw SpoolError(message: "the saved alert state \(path) is corrupt (\(error)); move it away to start afresh")
                }
            }
        }
        evaluator = AlertEvaluator(repeatInterval: repeatInterval, instances: restored)
    }

    /// The outcome of evaluating one rule.
    struct Evaluation: Sendable {
        /// What to send.
        var notifications: [AlertNotification]
        /// Instances that became pending in this evaluation (for the log).
        var newlyPending: [AlertEvaluator.Instance]
        /// Set when the state could not be saved; the notifications must still go out.
        var saveError: SpoolError?
    }

    /// Evaluates `rule` (see `AlertEvaluator.evaluate`) and saves the state if it changed.
    func evaluate(_ rule: AlertRule, observations: [SeriesObservation], gaps: DataGaps, now: Double) -> Evaluation {
        let before = evaluator.instances
        let notifications = evaluator.evaluate(rule, observations: observations, gaps: gaps, now: now)
        let newlyPending = evaluator.instances.values.filter { $0.state == .pending && before[$0.fingerprint] == nil }
        var evaluation = Evaluation(notifications: notifications, newlyPending: newlyPending)
        if evaluator.instances != before {
            do {
                try save()
            } catch {
                evaluation.saveError = error
            }
        }
        return evaluation
    }

    /// Forgets alerts of rules no longer configured.
    func retainRules(_ names: Set<String>) throws(SpoolError) {
        let before = evaluator.instances
        evaluator.retainRules(names)
        if evaluator.instances != before { try save() }
    }

    /// The pending and firing alerts.
    var instances: [AlertEvaluator.Instance] {
        evaluator.instances.values.sorted { ($0.rule, $0.fingerprint) < ($1.rule, $1.fingerprint) }
    }

    private func save() throws(SpoolError) {
        guard let stateDirectory else { return }
        try Spool.writeJSONDurably(instances, directory: stateDirectory, name: Self.stateFileName)
    }
}
