// The alert state machine: inactive → pending → firing → resolved, per series, with an injected clock.
import Store
import Support

/// Tracks every alert instance (one per rule and series) and decides what to notify. Pure: it
/// is given the observations and the time, so tests drive it without a clock or a database.
package struct AlertEvaluator: Sendable {
    /// An alert that is pending or firing.
    package struct Instance: Sendable, Hashable, Codable {
        /// Pending (waiting out `for`) or firing.
        package enum State: String, Sendable, Hashable, Codable {
            case pending
            case firing
        }

        package var rule: String
        package var labels: [String: String]
        var fingerprint: String
        package var state: State
        /// When the expression started to hold.
        package var activeAt: Double
        /// When the alert started firing.
        var firedAt: Double?
        /// The latest value.
        package var value: Double
        /// When a firing notification was last emitted.
        var lastNotifiedAt: Double?
        /// The target of the series, whose being down holds the alert as it is.
        package var target: String
        /// The collector of the series, whose failing holds the alert as it is (nil in state
        /// saved by older versions, and for series of no collector).
        package var collector: String?

        /// The instance without its latest value: what a saved state must keep up to date. The
        /// value changes every evaluation; it is saved with the transitions, not on its own.
        var durablePart: Instance {
            var copy = self
            copy.value = 0
            return copy
        }
    }

    /// How often a firing alert is notified again.
    package var repeatInterval: Duration
    /// Pending and firing alerts by fingerprint.
    private(set) var instances: [String: Instance] = [:]

    /// Creates an evaluator with the active alerts `instances` (none by default; a restarted
    /// agent restores the ones it saved, so it neither fires them twice nor forgets to resolve them).
    package init(repeatInterval: Duration = .seconds(4 * 3600), instances: [Instance] = []) {
        self.repeatInterval = repeatInterval
        self.instances = Dictionary(instances.map { ($0.fingerprint, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Evaluates `rule` over `observations` (every series its selector picks now) at `now`.
    /// An instance whose series is gone resolves (or, pending, is forgotten), unless `gaps` covers
    /// its target or collector: then it holds as it is, firing or pending, until data returns.
    /// Missing data is not a recovery (a down target has its own `pg_up` alert, a failing
    /// collector its `pgvigil_collector_success 0`), and a pending alert does not fire without data.
    package mutating func evaluate(_ rule: AlertRule, observations: [SeriesObservation], gaps: DataGaps, now: Double) -> [AlertNotification] {
        var notifications: [AlertNotification] = []
        var seen: Set<String> = []
        for observation in observations {
            var labels = Dictionary(observation.labels.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            labels.merge(rule.labels) { _, ruleValue in ruleValue }
            labels["alertname"] = rule.name
            let fingerprint = Fingerprint.of(labels)
            seen.insert(fingerprint)
            let active = rule.expression.comparison.holds(observation.value, rule.expression.threshold)

            guard var instance = instances[fingerprint] else {
                guard active else { continue }
                var fresh = Instance(
                    rule: rule.name, labels: labels, fingerprint: fingerprint, state: .pending, activeAt: now,
                    value: observation.value, target: labels["target"] ?? "", collector: observation.collector)
                if rule.holdDuration <= .zero { notifications.append(fire(&fresh, rule: rule, now: now)) }
                instances[fingerprint] = fresh
                continue
            }
            instance.value = observation.value
            instance.collector = observation.collector
            switch instance.state {
            case .pending:
                if !active {
                    instances[fingerprint] = nil
                    continue
                }
                if now - instance.activeAt >= rule.holdDuration.seconds { notifications.append(fire(&instance, rule: rule, now: now)) }
            case .firing:
                let resolves: Bool
                if let resolve = rule.resolveExpression {
                    resolves = observation.resolveValue.map { resolve.comparison.holds($0, resolve.threshold) } ?? !active
                } else {
                    resolves = !active
                }
                if resolves {
                    notifications.append(resolved(instance, rule: rule, now: now))
                    instances[fingerprint] = nil
                    continue
                }
                if let last = instance.lastNotifiedAt, now - last >= repeatInterval.seconds {
                    instance.lastNotifiedAt = now
                    notifications.append(notification(instance, rule: rule, status: .firing, now: now))
                }
            }
            instances[fingerprint] = instance
        }
        for (fingerprint, instance) in instances where instance.rule == rule.name && !seen.contains(fingerprint) {
            if gaps.covers(target: instance.target, collector: instance.collector) { continue }
            if instance.state == .firing { notifications.append(resolved(instance, rule: rule, now: now)) }
            instances[fingerprint] = nil
        }
        return notifications
    }

    /// Ends the alerts of rules not in `ruleNames` (rules gone from the config, at a reload or in
    /// the state saved before a restart) at `now`: a pending one is forgotten, a firing one
    /// resolved, so the receiver that was told it fires is told it ended. Returns the resolves,
    /// annotated by the rule as it was (`previousRules`) when it is known.
    mutating func retire(rulesNotIn ruleNames: Set<String>, previousRules: [String: AlertRule], now: Double) -> [AlertNotification] {
        let retired = instances.values.filter { !ruleNames.contains($0.rule) }.sorted { ($0.rule, $0.fingerprint) < ($1.rule, $1.fingerprint) }
        for instance in retired { instances[instance.fingerprint] = nil }
        return retired.filter { $0.state == .firing }.map { instance in
            Self.notification(instance, annotations: previousRules[instance.rule]?.annotations ?? [:], status: .resolved, now: now)
        }
    }

    private func fire(_ instance: inout Instance, rule: AlertRule, now: Double) -> AlertNotification {
        instance.state = .firing
        instance.firedAt = now
        instance.lastNotifiedAt = now
        return notification(instance, rule: rule, status: .firing, now: now)
    }

    private func resolved(_ instance: Instance, rule: AlertRule, now: Double) -> AlertNotification {
        Self.notification(instance, rule: rule, status: .resolved, now: now)
    }

    private func notification(_ instance: Instance, rule: AlertRule, status: AlertNotification.Status, now: Double) -> AlertNotification {
        Self.notification(instance, rule: rule, status: status, now: now)
    }

    /// The notification of `instance` with `status` at `now`, annotations rendered with its labels and value.
    package static func notification(_ instance: Instance, rule: AlertRule, status: AlertNotification.Status, now: Double) -> AlertNotification {
        notification(instance, annotations: rule.annotations, status: status, now: now)
    }

    /// The notification of `instance` with `status` at `now`, `annotations` rendered with its labels and value.
    private static func notification(
        _ instance: Instance, annotations: [String: AnnotationTemplate], status: AlertNotification.Status, now: Double
    ) -> AlertNotification {
        AlertNotification(
            status: status, labels: instance.labels,
            annotations: annotations.mapValues { $0.render(labels: instance.labels, value: instance.value) },
            startsAt: instance.firedAt ?? now, endsAt: status == .resolved ? now : nil, value: instance.value,
            fingerprint: instance.fingerprint, emittedAt: now)
    }
}
