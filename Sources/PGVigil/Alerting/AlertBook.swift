// The shared record of active alerts: the evaluator's state behind an actor.

/// Holds the evaluator so the alerting loop updates it and readers (metrics, the API) see it.
actor AlertBook {
    private var evaluator: AlertEvaluator

    /// Creates a book with no active alerts.
    init(repeatInterval: Duration) {
        evaluator = AlertEvaluator(repeatInterval: repeatInterval)
    }

    /// Evaluates `rule`; see `AlertEvaluator.evaluate`.
    func evaluate(_ rule: AlertRule, observations: [SeriesObservation], downTargets: Set<String>, now: Double) -> [AlertNotification] {
        evaluator.evaluate(rule, observations: observations, downTargets: downTargets, now: now)
    }

    /// The pending and firing alerts.
    var instances: [AlertEvaluator.Instance] {
        evaluator.instances.values.sorted { ($0.rule, $0.fingerprint) < ($1.rule, $1.fingerprint) }
    }
}
