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

    /// Evaluates `rule` (see `AlertEvaluator.evaluate`) and saves the state if it changed. The
    /// notifications are returned even when saving failed (`saveError`): they must still go out.
    func evaluate(_ rule: AlertRule, observations: [SeriesObservation], downTargets: Set<String>, now: Double)
        -> (notifications: [AlertNotification], saveError: SpoolError?) {
        let before = evaluator.instances
        let notifications = evaluator.evaluate(rule, observations: observations, downTargets: downTargets, now: now)
        guard evaluator.instances != before else { return (notifications, nil) }
        do {
            try save()
            return (notifications, nil)
        } catch {
            return (notifications, error)
        }
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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(instances)
        } catch {
            throw SpoolError(message: "cannot encode the alert state: \(error)")
        }
        try Spool.writeDurably(data, directory: stateDirectory, name: Self.stateFileName)
    }
}
