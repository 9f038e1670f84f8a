// The evaluation loop: a round of the rules on each tick, and between rounds the plans reloads hand it.
import Config
import Exposition
import Logging
import Sampler
import Store

/// The state of alerting and the loop that alone changes it: each tick it evaluates every rule
/// and queues the notifications; between ticks it applies the changes reloads submit. Owned by
/// `AlertingService.run`'s task.
final class AlertingLoop {
    /// What alerting runs under now.
    struct Current: Sendable {
        /// The compiled rules, receivers and intervals.
        var plan: AlertingPlan
        /// The alert instances; nil while alerting has never had rules or receivers.
        var book: AlertBook?
    }

    /// How often firing alerts are sent again to `alertmanager-api` receivers: Alertmanager
    /// resolves an alert it has not heard of before its `endsAt` (5 minutes ahead), as with Prometheus.
    static let alertmanagerResendInterval = 60.0

    private var current: Current
    private let receivers: ReceiverFleet
    private let store: SampleStore
    private let state: ServedState
    private let publisher: ExpositionPublisher
    private let board: AlertBoard
    private let logger: Logger
    private let wallClock: @Sendable () -> Double
    /// Rounds of evaluation so far.
    private var evaluations = 0

    init(
        current: Current, receivers: ReceiverFleet, store: SampleStore, state: ServedState, publisher: ExpositionPublisher, board: AlertBoard,
        logger: Logger, wallClock: @escaping @Sendable () -> Double
    ) {
        self.current = current
        self.receivers = receivers
        self.store = store
        self.state = state
        self.publisher = publisher
        self.board = board
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Before the first round: resolves the saved alerts of rules no longer configured (the config
    /// changed while the agent was stopped), and publishes the families.
    func start() async {
        await retireRules(notIn: current.plan, previous: [], now: wallClock())
        await publish(now: wallClock())
    }

    /// Evaluates on each tick of `clock` (every `evaluationInterval` of the plan in force) and
    /// applies `changes` as they come, until `changes` is closed or the task is cancelled.
    /// Firing alerts are sent again to Alertmanager receivers every `alertmanagerResendInterval`.
    func run<C: Clock>(changes: AlertingChanges, on clock: C) async where C.Duration == Duration {
        var lastTick = clock.now
        var lastResend = wallClock()
        while !changes.isClosed && !Task.isCancelled {
            let next = lastTick.advanced(by: current.plan.evaluationInterval)
            if clock.now < next {
                await changes.doorbell.wait(timeout: clock.now.duration(to: next), on: clock)
            }
            for request in changes.take() {
                await apply(request.change)
                request.answer.resume(returning: true)
            }
            guard !changes.isClosed && !Task.isCancelled else { break }
            // A changed interval counts from the last tick.
            guard clock.now >= lastTick.advanced(by: current.plan.evaluationInterval) else { continue }
            lastTick = lastTick.advanced(by: current.plan.evaluationInterval)
            while clock.now >= lastTick.advanced(by: current.plan.evaluationInterval) {
                lastTick = lastTick.advanced(by: current.plan.evaluationInterval)  // ticks missed (a long round) are skipped
            }
            evaluations += 1
            await evaluate()
            if wallClock() - lastResend >= Self.alertmanagerResendInterval {
                lastResend = wallClock()
                await resendFiringToAlertmanagers(now: lastResend)
            }
        }
    }

    /// Runs `change`'s plan from now on: receivers first (the queues the resolves below go to),
    /// then the rules, whose removed ones resolve their firing alerts.
    private func apply(_ change: AlertingChange) async {
        let previous = current.plan
        if current.book == nil { current.book = change.book }
        await receivers.apply(change.plan.receivers, opened: change.opened, externalURL: change.plan.externalURL)
        await current.book?.setRepeatInterval(change.plan.repeatInterval)
        current.plan = change.plan
        await retireRules(notIn: change.plan, previous: previous.rules, now: wallClock())
        await publish(now: wallClock())
    }

    /// Ends the alerts of rules that are not in `plan`, queueing the resolves of the firing ones
    /// (annotated as their rule in `previous` was, when it is there).
    private func retireRules(notIn plan: AlertingPlan, previous: [AlertRule], now: Double) async {
        guard let book = current.book else { return }
        let (notifications, saveError) = await book.retire(
            rulesNotIn: Set(plan.rules.map(\.name)),
            previousRules: Dictionary(previous.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first }),
            now: now)
        if let saveError { logger.error("cannot save the alert state", metadata: ["reason": "\(saveError)"]) }
        for notification in notifications {
            logger.info(
                "alert resolved: its rule is no longer configured",
                metadata: [
                    "alert": "\(notification.alertName)", "target": "\(notification.labels["target"] ?? "")",
                    "fingerprint": "\(notification.fingerprint)",
                ])
            await send(notification)
        }
    }

    /// Evaluates every rule once, queues the notifications, and publishes the alerting families.
    private func evaluate() async {
        guard let book = current.book else { return }
        let now = wallClock()
        let down = Set(state.current.targets.filter { !$0.up }.map(\.name))
        for rule in current.plan.rules {
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
                await send(notification)
            }
        }
        await publish(now: now)
    }

    /// Queues `notification` for every receiver.
    private func send(_ notification: AlertNotification) async {
        for queue in await receivers.queues {
            await queue.enqueue(notification)
        }
    }

    /// Sends every firing alert again to the `alertmanager-api` receivers, refreshing its `endsAt`
    /// (their queues keep one waiting notification per alert, so an outage builds no backlog).
    private func resendFiringToAlertmanagers(now: Double) async {
        guard let book = current.book else { return }
        var alertmanagers: [DeliveryQueue] = []
        for queue in await receivers.queues where await queue.receiver.format == .alertmanagerAPI { alertmanagers.append(queue) }
        guard !alertmanagers.isEmpty else { return }
        let rules = Dictionary(current.plan.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for instance in await book.instances where instance.state == .firing {
            guard let rule = rules[instance.rule] else { continue }
            let notification = AlertEvaluator.notification(instance, rule: rule, status: .firing, now: now)
            for queue in alertmanagers {
                await queue.enqueue(notification)
            }
        }
    }

    /// Publishes the alerting families and the pending and firing alerts; the families also go
    /// to the store, where rules select them (the next evaluation sees them). Nothing while
    /// alerting has never been on.
    private func publish(now: Double) async {
        guard let book = current.book else { return }
        let instances = await book.instances
        let families = await families(instances)
        await store.setAgentFamilies(families)
        board.update(activeAlerts(instances))
        await publisher.publishAlerting(families: families)
    }

    /// The pending and firing alerts with their rendered annotations.
    private func activeAlerts(_ instances: [AlertEvaluator.Instance]) -> [ActiveAlert] {
        let rules = Dictionary(current.plan.rules.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return instances.map { instance in
            ActiveAlert(
                name: instance.rule, labels: instance.labels,
                annotations: (rules[instance.rule]?.annotations ?? [:]).mapValues { $0.render(labels: instance.labels, value: instance.value) },
                state: instance.state, activeAt: instance.activeAt, value: instance.value, fingerprint: instance.fingerprint)
        }
    }

    /// The alerting families for `instances`.
    private func families(_ instances: [AlertEvaluator.Instance]) async -> [MetricFamily] {
        let rounds = MetricFamily(
            name: "pgvigil_alert_evaluations_total", help: "Rounds of rule evaluation completed since the agent started.", type: .counter,
            samples: [Sample(labels: [], value: Double(evaluations))])
        var firing = MetricFamily(name: "pgvigil_alerts_firing", help: "Alert instances firing, by rule.", type: .gauge)
        for rule in current.plan.rules {
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
        for queue in await receivers.queues {
            let counts = await queue.counts
            for outcome in DeliveryOutcome.allCases {
                notifications.samples.append(
                    Sample(labels: [Label("receiver", queue.name), Label("outcome", outcome.rawValue)], value: Double(counts[outcome] ?? 0)))
            }
            pending.samples.append(Sample(labels: [Label("receiver", queue.name)], value: Double(await queue.pendingCount)))
            writable.samples.append(Sample(labels: [Label("receiver", queue.name)], value: await queue.spoolWritable ? 1 : 0))
        }
        return [rounds, firing, notifications, pending, writable]
    }
}
