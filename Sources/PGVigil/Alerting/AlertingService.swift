// Evaluates the rules on their interval and hands notifications to every receiver's delivery queue.
import AsyncAlgorithms
import Logging
import ServiceLifecycle

/// The alerting side of the agent: rule evaluation over the store, delivery queues, and the
/// pgvigil_alerts_firing / pgvigil_notifications_total / pgvigil_spool_pending families.
struct AlertingService: Service {
    let plan: AlertingPlan
    let book: AlertBook
    let queues: [DeliveryQueue]
    let store: SampleStore
    let state: ServedState
    let publisher: ExpositionPublisher
    let logger: Logger
    let wallClock: @Sendable () -> Double

    func run() async throws {
        await publisher.publishAgentFamilies(await families())
        await withTaskGroup(of: Void.self) { group in
            for queue in queues {
                group.addTask(priority: nil) { await queue.run() }
            }
            group.addTask(priority: nil) {
                let ticks = AsyncTimerSequence(interval: plan.evaluationInterval, clock: ContinuousClock())
                for await _ in ticks.cancelOnGracefulShutdown() {
                    await evaluateOnce()
                }
            }
            // The evaluation loop ends at shutdown; the queues then stop (what is unsent stays spooled).
            await group.next()
            group.cancelAll()
        }
    }

    /// Evaluates every rule once, spools the notifications, and publishes the alerting families.
    func evaluateOnce() async {
        let now = wallClock()
        let down = Set(state.current.targets.filter { !$0.up }.map(\.name))
        for rule in plan.rules {
            let observations = await store.observations(for: rule.expression, resolve: rule.resolveExpression, now: now)
            for notification in await book.evaluate(rule, observations: observations, downTargets: down, now: now) {
                logger.info(notification.status == .firing ? "alert firing" : "alert resolved", metadata: [
                    "alert": "\(notification.alertName)", "target": "\(notification.labels["target"] ?? "")",
                    "value": "\(PrometheusTextEncoder.formatValue(notification.value))", "fingerprint": "\(notification.fingerprint)",
                ])
                for queue in queues {
                    do {
                        try await queue.enqueue(notification)
                    } catch {
                        logger.error("cannot spool a notification; it is lost for this receiver", metadata: [
                            "receiver": "\(queue.receiver.name)", "alert": "\(notification.alertName)", "reason": "\(error)",
                        ])
                    }
                }
            }
        }
        await publisher.publishAgentFamilies(await families())
    }

    /// The alerting families as of now.
    private func families() async -> [MetricFamily] {
        let instances = await book.instances
        var firing = MetricFamily(name: "pgvigil_alerts_firing", help: "Alert instances firing, by rule.", type: .gauge)
        for rule in plan.rules {
            let count = instances.filter { $0.rule == rule.name && $0.state == .firing }.count
            firing.samples.append(Sample(labels: [Label("alert", rule.name)], value: Double(count)))
        }
        var notifications = MetricFamily(
            name: "pgvigil_notifications_total", help: "Notification delivery attempts by receiver and outcome.", type: .counter)
        var pending = MetricFamily(name: "pgvigil_spool_pending", help: "Notifications waiting in the spool, by receiver.", type: .gauge)
        for queue in queues {
            let counts = await queue.counts
            for outcome in DeliveryOutcome.allCases {
                notifications.samples.append(Sample(
                    labels: [Label("receiver", queue.receiver.name), Label("outcome", outcome.rawValue)], value: Double(counts[outcome] ?? 0)))
            }
            pending.samples.append(Sample(labels: [Label("receiver", queue.receiver.name)], value: Double(await queue.pendingCount)))
        }
        return [firing, notifications, pending]
    }
}
