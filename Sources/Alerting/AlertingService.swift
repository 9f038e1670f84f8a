// Evaluates the rules on their interval and hands notifications to every receiver's delivery queue.
import AsyncAlgorithms
import Config
import Exposition
import Logging
import Sampler
import ServiceLifecycle
import Store

/// The alerting side of the agent: rule evaluation over the store, delivery queues, and the
/// pgvigil_alert_evaluations_total / pgvigil_alerts_firing / pgvigil_notifications_total /
/// pgvigil_spool_pending / pgvigil_spool_writable families.
package struct AlertingService: Service {
    /// The compiled rules and resolved receivers.
    private let plan: AlertingPlan
    /// The alert instances and their saved state.
    private let book: AlertBook
    /// One delivery queue per receiver.
    private let queues: [DeliveryQueue]
    /// Where the rules' series are read, and alerting's own families go.
    private let store: SampleStore
    /// Which targets are down (their alerts hold).
    private let state: ServedState
    /// Where alerting's families are rendered for /metrics.
    private let publisher: ExpositionPublisher
    /// Where the pending and firing alerts are shown to the HTTP server.
    private let board: AlertBoard
    /// The thread of the spool and alert state writes.
    package let disk: DiskWorker
    private let logger: Logger
    /// Seconds since 1970, for the evaluator and the re-send interval.
    private let wallClock: @Sendable () -> Double
    /// What the evaluation timer runs on (a manual clock in tests).
    private let clock: any Clock<Duration>

    /// Creates the service; nothing runs until `run`.
    package init(
        plan: AlertingPlan, book: AlertBook, queues: [DeliveryQueue], store: SampleStore, state: ServedState, publisher: ExpositionPublisher,
        board: AlertBoard, disk: DiskWorker, logger: Logger, wallClock: @escaping @Sendable () -> Double,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.plan = plan
        self.book = book
        self.queues = queues
        self.store = store
        self.state = state
        self.publisher = publisher
        self.board = board
        self.disk = disk
        self.logger = logger
        self.wallClock = wallClock
        self.clock = clock
    }

    /// How often firing alerts are sent again to `alertmanager-api` receivers: Alertmanager
    /// resolves an alert it has not heard of before its `endsAt` (5 minutes ahead), as with Prometheus.
    static let alertmanagerResendInterval = 60.0

    package func run() async throws {
        do {
            try await book.retainRules(Set(plan.rules.map(\.name)))
        } catch {
            logger.error("cannot save the alert state", metadata: ["reason": "\(error)"])
        }
        await publish(now: wallClock(), evaluations: 0)
        await withTaskGroup(of: Void.self) { group in
            for queue in queues {
                group.addTask(priority: nil) { await queue.run() }
            }
            group.addTask(priority: nil) { await evaluate(every: plan.evaluationInterval, on: clock) }
            // The evaluation loop ends at shutdown; the queues then stop (what is unsent stays spooled).
            await group.next()
            group.cancelAll()
        }
    }

    /// Evaluates on each tick of `clock` until cancelled or shut down, re-sending firing alerts to
    /// Alertmanager receivers every `alertmanagerResendInterval`.
    private func evaluate<C: Clock>(every interval: Duration, on clock: C) async where C.Duration == Duration {
        var lastResend = wallClock()
        var evaluations = 0
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            evaluations += 1
            await evaluate(round: evaluations)
            if wallClock() - lastResend >= Self.alertmanagerResendInterval {
                lastResend = wallClock()
                await resendFiringToAlertmanagers(now: lastResend)
            }
        }
    }

    /// Evaluates every rule once, queues the notifications, and publishes the alerting families
    /// (`round`: how many evaluations have run, this one included).
    private func evaluate(round: Int) async {
        let now = wallClock()
        let down = Set(state.current.targets.filter { !$0.up }.map(\.name))
        for rule in plan.rules {
            let observed = await store.observations(for: rule.expression, resolve: rule.resolveExpression, now: now)
            let gaps = DataGaps(downTargets: down, failingSources: observed.failing)
            let evaluation = await book.evaluate(rule, observations: observed.series, gaps: gaps, now: now)
            if let saveError = evaluation.saveError {
                logger.error("cannot save the alert state; a restart may repeat or miss notifications", metadata: ["reason": "\(saveError)"])
            }
            for instance in evaluation.newlyPending {
                logger.info(
                    "alert pending",
                    metadata: [
                        "alert": "\(instance.rule)", "target": "\(instance.target)", "value": "\(PrometheusTextEncoder.formatValue(instance.value))",
                        "for": "\(ConfigDuration(rule.holdDuration))",
                    ])
            }
            for notification in evaluation.notifications {
                logger.info(
                    notification.status == .firing ? "alert firing" : "alert resolved",
                    metadata: [
                        "alert": "\(notification.alertName)", "target": "\(notification.labels["target"] ?? "")",
                        "value": "\(PrometheusTextEncoder.formatValue(notification.value))", "fingerprint": "\(notification.fingerprint)",
                    ])
                for queue in queues {
                    await queue.enqueue(notification)
                }
            }
        }
        await publish(now: now, evaluations: round)
    }

    /// Sends every firing alert again to the `alertmanager-api` receivers, refreshing its `endsAt`
    /// (their queues keep one waiting notification per alert, so an outage builds no backlog).
    private func resendFiringToAlertmanagers(now: Double) async {
        let alertmanagers = queues.filter { $0.receiver.format == .alertmanagerAPI }
        guard !alertmanagers.isEmpty else { return }
        let rules = Dictionary(plan.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for instance in await book.instances where instance.state == .firing {
            guard let rule = rules[instance.rule] else { continue }
            let notification = AlertEvaluator.notification(instance, rule: rule, status: .firing, now: now)
            for queue in alertmanagers {
                await queue.enqueue(notification)
            }
        }
    }

    /// Publishes the alerting families and the pending and firing alerts; the families also go
    /// to the store, where rules select them (the next evaluation sees them).
    private func publish(now: Double, evaluations: Int) async {
        let instances = await book.instances
        let families = await families(instances, evaluations: evaluations)
        await store.setAgentFamilies(families)
        board.update(activeAlerts(instances))
        await publisher.publishAlerting(families: families)
    }

    /// The pending and firing alerts with their rendered annotations.
    private func activeAlerts(_ instances: [AlertEvaluator.Instance]) -> [ActiveAlert] {
        let rules = Dictionary(plan.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return instances.map { instance in
            ActiveAlert(
                name: instance.rule, labels: instance.labels,
                annotations: (rules[instance.rule]?.annotations ?? [:]).mapValues { $0.render(labels: instance.labels, value: instance.value) },
                state: instance.state, activeAt: instance.activeAt, value: instance.value, fingerprint: instance.fingerprint)
        }
    }

    /// The alerting families for `instances` after `evaluations` rounds.
    private func families(_ instances: [AlertEvaluator.Instance], evaluations: Int) async -> [MetricFamily] {
        let rounds = MetricFamily(
            name: "pgvigil_alert_evaluations_total", help: "Rounds of rule evaluation completed since the agent started.", type: .counter,
            samples: [Sample(labels: [], value: Double(evaluations))])
        var firing = MetricFamily(name: "pgvigil_alerts_firing", help: "Alert instances firing, by rule.", type: .gauge)
        for rule in plan.rules {
            let count = instances.filter { $0.rule == rule.name && $0.state == .firing }.count
            firing.samples.append(Sample(labels: [Label("alert", rule.name)], value: Double(count)))
        }
        var notifications = MetricFamily(
            name: "pgvigil_notifications_total",
            help: "Notification delivery attempts by receiver and outcome (delivered, retried, failed), and notifications dropped unsent.",
            type: .counter)
        var pending = MetricFamily(
            name: "pgvigil_spool_pending", help: "Notifications waiting for delivery (spooled, or in memory while the spool fails), by receiver.",
            type: .gauge)
        var writable = MetricFamily(
            name: "pgvigil_spool_writable", help: "1 if the receiver's last spool write succeeded, 0 while its spool cannot be written.",
            type: .gauge)
        for queue in queues {
            let counts = await queue.counts
            for outcome in DeliveryOutcome.allCases {
                notifications.samples.append(
                    Sample(
                        labels: [Label("receiver", queue.receiver.name), Label("outcome", outcome.rawValue)], value: Double(counts[outcome] ?? 0)))
            }
            pending.samples.append(Sample(labels: [Label("receiver", queue.receiver.name)], value: Double(await queue.pendingCount)))
            writable.samples.append(Sample(labels: [Label("receiver", queue.receiver.name)], value: await queue.spoolWritable ? 1 : 0))
        }
        return [rounds, firing, notifications, pending, writable]
    }
}
