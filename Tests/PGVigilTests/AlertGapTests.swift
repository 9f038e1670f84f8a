// The store and the evaluator together: a collector that fails or a target that goes down holds its alerts.

import Testing

@testable import Alerting
@testable import PGVigil
@testable import Sampler
@testable import Store

@Suite struct AlertGapTests {
    private let rule = AlertRule(
        name: "LagHigh", expression: try! RuleExpressionParser.parse("lag > 30"), holdDuration: .zero, resolveExpression: nil,
        labels: [:], annotations: [:])

    private func lag(_ value: Double) -> [MetricFamily] {
        [MetricFamily(name: "lag", help: "", type: .gauge, samples: [Sample(labels: [Label("target", "replica")], value: value)])]
    }

    /// Evaluates the rule over what `store` holds now, as the alerting service does.
    private func evaluate(_ evaluator: inout AlertEvaluator, _ store: SampleStore, now: Double) async -> [AlertNotification.Status] {
        let observed = await store.observations(for: rule.expression, resolve: nil, now: now)
        return evaluator.evaluate(rule, observations: observed.series, gaps: DataGaps(failingSources: observed.failing), now: now).map(\.status)
    }

    @Test func aDroppedCollectorHoldsItsAlertUntilItsNextSnapshot() async {
        let store = SampleStore()
        var evaluator = AlertEvaluator()
        await store.setSnapshot(target: "replica", collector: "replication", families: lag(40))
        #expect(await evaluate(&evaluator, store, now: 0) == [.firing])
        await store.drop(target: "replica", collector: "replication")
        #expect(await evaluate(&evaluator, store, now: 15) == [])
        #expect(evaluator.instances.values.first?.state == .firing)
        await store.setSnapshot(target: "replica", collector: "replication", families: lag(2))
        #expect(await evaluate(&evaluator, store, now: 30) == [.resolved])
    }

    @Test func aTargetGoingDownHoldsItsAlerts() async {
        let store = SampleStore()
        var evaluator = AlertEvaluator()
        await store.setSnapshot(target: "replica", collector: "replication", families: lag(40))
        #expect(await evaluate(&evaluator, store, now: 0) == [.firing])
        await store.dropAll(target: "replica")
        await store.setSnapshot(target: "replica", collector: SelfMetrics.snapshotKey, families: [])
        #expect(await evaluate(&evaluator, store, now: 15) == [])
        #expect(await evaluate(&evaluator, store, now: 30) == [])
        await store.setSnapshot(target: "replica", collector: "replication", families: lag(40))
        #expect(await evaluate(&evaluator, store, now: 45) == [])
        #expect(evaluator.instances.values.first?.state == .firing)
    }

    @Test func seriesThatGoAwayWithTheirCollectorHealthyResolve() async {
        let store = SampleStore()
        var evaluator = AlertEvaluator()
        await store.setSnapshot(target: "replica", collector: "replication", families: lag(40))
        #expect(await evaluate(&evaluator, store, now: 0) == [.firing])
        await store.setSnapshot(target: "replica", collector: "replication", families: [])
        #expect(await evaluate(&evaluator, store, now: 15) == [.resolved])
    }
}
