// Unit tests of the alert state machine, driven by a test clock (the `now` passed in).

import Testing

@testable import Alerting
@testable import PGVigil
@testable import Store

@Suite struct AlertEvaluatorTests {
    private func rule(_ expression: String, for hold: Duration = .seconds(60), resolve: String? = nil) throws -> AlertRule {
        AlertRule(
            name: "LagHigh", expression: try RuleExpressionParser.parse(expression), holdDuration: hold,
            resolveExpression: try resolve.map { try RuleExpressionParser.parse($0) }, labels: ["severity": "critical"],
            annotations: ["summary": try AnnotationTemplate("{{ $labels.target }} is {{ $value }}s behind")])
    }

    private func observe(_ value: Double, target: String = "replica", resolveValue: Double? = nil) -> [SeriesObservation] {
        [SeriesObservation(labels: [Label("target", target)], value: value, resolveValue: resolveValue, collector: "replication")]
    }

    @Test func pendingThatNeverFires() throws {
        let rule = try rule("lag > 30")
        var evaluator = AlertEvaluator()
        #expect(evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0).isEmpty)
        #expect(evaluator.instances.values.first?.state == .pending)
        #expect(evaluator.evaluate(rule, observations: observe(45), gaps: DataGaps(), now: 30).isEmpty)
        #expect(evaluator.evaluate(rule, observations: observe(5), gaps: DataGaps(), now: 50).isEmpty)
        #expect(evaluator.instances.isEmpty)
    }

    @Test func firesAfterTheHoldAndResolvesOnce() throws {
        let rule = try rule("lag > 30")
        var evaluator = AlertEvaluator()
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
        let fired = evaluator.evaluate(rule, observations: observe(41.23456), gaps: DataGaps(), now: 60)
        #expect(fired.count == 1)
        let firing = try #require(fired.first)
        #expect(firing.status == .firing)
        #expect(firing.labels == ["alertname": "LagHigh", "target": "replica", "severity": "critical"])
        #expect(firing.annotations["summary"] == "replica is 41.235s behind")
        #expect(firing.startsAt == 60)
        #expect(evaluator.evaluate(rule, observations: observe(50), gaps: DataGaps(), now: 75).isEmpty)

        let resolved = evaluator.evaluate(rule, observations: observe(2), gaps: DataGaps(), now: 90)
        #expect(resolved.map(\.status) == [.resolved])
        #expect(resolved.first?.fingerprint == firing.fingerprint)
        #expect(resolved.first?.endsAt == 90)
        #expect(resolved.first?.startsAt == 60)
        #expect(evaluator.evaluate(rule, observations: observe(2), gaps: DataGaps(), now: 105).isEmpty)
    }

    @Test func zeroHoldFiresAtOnce() throws {
        var evaluator = AlertEvaluator()
        #expect(evaluator.evaluate(try rule("lag > 30", for: .zero), observations: observe(31), gaps: DataGaps(), now: 0).map(\.status) == [.firing])
    }

    @Test func hysteresisKeepsFiringUntilTheResolveConditionHolds() throws {
        let rule = try rule("lag > 30", for: .zero, resolve: "lag < 10")
        var evaluator = AlertEvaluator()
        _ = evaluator.evaluate(rule, observations: observe(35, resolveValue: 35), gaps: DataGaps(), now: 0)
        // Below the firing threshold but not below the resolve threshold: still firing.
        #expect(evaluator.evaluate(rule, observations: observe(20, resolveValue: 20), gaps: DataGaps(), now: 15).isEmpty)
        #expect(evaluator.instances.values.first?.state == .firing)
        #expect(evaluator.evaluate(rule, observations: observe(9, resolveValue: 9), gaps: DataGaps(), now: 30).map(\.status) == [.resolved])
    }

    @Test func flappingStartsAFreshPendingPeriod() throws {
        let rule = try rule("lag > 30")
        var evaluator = AlertEvaluator()
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
        _ = evaluator.evaluate(rule, observations: observe(1), gaps: DataGaps(), now: 30)
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 45)
        #expect(evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 70).isEmpty)  // 25 s into the new period
        #expect(evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 105).map(\.status) == [.firing])
    }

    @Test func disappearingSeriesResolvesButADownTargetHoldsIt() throws {
        let rule = try rule("lag > 30", for: .zero)
        var evaluator = AlertEvaluator()
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
        #expect(evaluator.evaluate(rule, observations: [], gaps: DataGaps(downTargets: ["replica"]), now: 15).isEmpty)
        #expect(evaluator.instances.values.first?.state == .firing)
        #expect(evaluator.evaluate(rule, observations: [], gaps: DataGaps(), now: 30).map(\.status) == [.resolved])
        #expect(evaluator.instances.isEmpty)
    }

    @Test func firingAlertIsRepeatedAtTheRepeatInterval() throws {
        let rule = try rule("lag > 30", for: .zero)
        var evaluator = AlertEvaluator(repeatInterval: .seconds(3600))
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
        #expect(evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 3599).isEmpty)
        #expect(evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 3600).map(\.status) == [.firing])
    }

    @Test func eachSeriesIsItsOwnInstance() throws {
        let rule = try rule("lag > 30", for: .zero)
        var evaluator = AlertEvaluator()
        let notifications = evaluator.evaluate(rule, observations: observe(40, target: "a") + observe(50, target: "b"), gaps: DataGaps(), now: 0)
        #expect(Set(notifications.map(\.fingerprint)).count == 2)
    }

    @Test func aFailingCollectorHoldsItsFiringAlertUntilDataReturns() throws {
        let rule = try rule("lag > 30", for: .zero)
        var evaluator = AlertEvaluator()
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
        let failing = DataGaps(failingSources: [SeriesSource(target: "replica", collector: "replication")])
        #expect(evaluator.evaluate(rule, observations: [], gaps: failing, now: 15).isEmpty)
        #expect(evaluator.evaluate(rule, observations: [], gaps: failing, now: 3600).isEmpty)
        #expect(evaluator.instances.values.first?.state == .firing)
        // Data returns, still above the threshold: firing goes on, not notified again.
        #expect(evaluator.evaluate(rule, observations: observe(45), gaps: DataGaps(), now: 3600 + 15).isEmpty)
        #expect(evaluator.evaluate(rule, observations: observe(5), gaps: DataGaps(), now: 3600 + 30).map(\.status) == [.resolved])
    }

    @Test func anotherCollectorFailingHoldsNothing() throws {
        let rule = try rule("lag > 30", for: .zero)
        var evaluator = AlertEvaluator()
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
        let other = DataGaps(failingSources: [
            SeriesSource(target: "replica", collector: "statements"), SeriesSource(target: "primary", collector: "replication"),
        ])
        #expect(evaluator.evaluate(rule, observations: [], gaps: other, now: 15).map(\.status) == [.resolved])
    }

    @Test func aPendingAlertWithoutDataNeitherFiresNorIsForgotten() throws {
        let rule = try rule("lag > 30")
        var evaluator = AlertEvaluator()
        _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
        let failing = DataGaps(failingSources: [SeriesSource(target: "replica", collector: "replication")])
        #expect(evaluator.evaluate(rule, observations: [], gaps: failing, now: 90).isEmpty)
        #expect(evaluator.instances.values.first?.state == .pending)
        #expect(evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 105).map(\.status) == [.firing])
    }

    @Test func stateSavedByAnOlderVersionHoldsOnItsTargetBeingDown() throws {
        let rule = try rule("lag > 30", for: .zero)
        var firing = try #require(
            { () -> AlertEvaluator.Instance? in
                var evaluator = AlertEvaluator()
                _ = evaluator.evaluate(rule, observations: observe(40), gaps: DataGaps(), now: 0)
                return evaluator.instances.values.first
            }())
        firing.collector = nil
        var evaluator = AlertEvaluator(instances: [firing])
        #expect(
            evaluator.evaluate(
                rule, observations: [], gaps: DataGaps(failingSources: [SeriesSource(target: "replica", collector: "replication")]), now: 15
            ).map(\.status) == [.resolved])
        evaluator = AlertEvaluator(instances: [firing])
        #expect(evaluator.evaluate(rule, observations: [], gaps: DataGaps(downTargets: ["replica"]), now: 15).isEmpty)
    }
}
