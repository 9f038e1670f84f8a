// Unit tests of a target loop's decisions: reconnect backoff, which collectors are due, what is logged once.

import Testing

@testable import Collectors
@testable import Postgres
@testable import Sampler
@testable import Store

@Suite struct TargetLoopStateTests {
    /// A collector that is never run here: only its name, interval and minimum version matter.
    private struct Named: Collector {
        let name: String
        let defaultInterval: Duration? = nil
        var minimumServerVersion = 130000

        func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] { [] }
    }

    private func scheduled(_ name: String, every seconds: Int64, minimumServerVersion: Int = 130000) -> ScheduledCollector {
        ScheduledCollector(collector: Named(name: name, minimumServerVersion: minimumServerVersion), interval: .seconds(seconds))
    }

    @Test func reconnectsBackOffFromOneIntervalToFourAndStartOverAfterASuccess() {
        var loop = TargetLoopState(interval: 5)
        #expect(loop.checksServer(at: 0))
        var attempts: [Double] = []
        for failure in 0..<5 {
            let now = Double(failure) * 100
            _ = loop.serverFailed("refused", at: now)
            attempts.append(loop.nextConnectionAttempt - now)
        }
        // 5, 10, 20, then the cap of 4 intervals; each half a tick early so it falls on a tick.
        #expect(attempts == [2.5, 7.5, 17.5, 17.5, 17.5])
        #expect(!loop.checksServer(at: 400 + 17.4))
        #expect(loop.checksServer(at: 400 + 17.5))
        loop.cycleSucceeded()
        _ = loop.serverFailed("refused", at: 1000)
        #expect(loop.nextConnectionAttempt == 1002.5)
    }

    @Test func aLongIntervalBacksOffToAMinuteAndAShortOneToFourIntervals() {
        var slow = TargetLoopState(interval: 30)
        var fast = TargetLoopState(interval: 1)
        for _ in 0..<6 {
            _ = slow.serverFailed("x", at: 0)
            _ = fast.serverFailed("x", at: 0)
        }
        #expect(slow.nextConnectionAttempt == 60 - 15)
        #expect(fast.nextConnectionAttempt == 4 - 0.5)
    }

    @Test func collectorsAreDueOnTheirOwnIntervalsWithinHalfATick() {
        var loop = TargetLoopState(interval: 5)
        let schedule = [
            scheduled("activity", every: 5), scheduled("table_sizes", every: 60), scheduled("checkpointer", every: 5, minimumServerVersion: 170000),
        ]
        let names = { (now: Double) in
            let due = loop.dueCollectors(schedule, versionNumber: 150000, at: now)
            for scheduled in due { loop.willRun(scheduled.collector.name, at: now) }
            return due.map(\.collector.name)
        }
        #expect(names(0) == ["activity", "table_sizes"])  // the checkpointer's query needs 17
        #expect(names(5) == ["activity"])
        #expect(names(6) == [])  // due again half a tick early at the earliest: from 7.5
        #expect(names(57.6) == ["activity", "table_sizes"])  // a timer a little early still runs it
        #expect(names(60) == [])
    }

    @Test func aCollectorACycleEndedBeforeIsDueAtTheNextTick() {
        var loop = TargetLoopState(interval: 5)
        let schedule = [scheduled("activity", every: 5), scheduled("table_sizes", every: 60)]
        // The cycle at 0 ran activity only: a per-database session got no answer, and it ended.
        #expect(loop.dueCollectors(schedule, versionNumber: 150000, at: 0).count == 2)
        loop.willRun("activity", at: 0)
        #expect(loop.dueCollectors(schedule, versionNumber: 150000, at: 5).map(\.collector.name) == ["activity", "table_sizes"])
    }

    @Test func aTargetThatWentDownRunsEveryCollectorAgainWhenItAnswers() {
        var loop = TargetLoopState(interval: 5)
        let schedule = [scheduled("activity", every: 5), scheduled("table_sizes", every: 60)]
        for scheduled in loop.dueCollectors(schedule, versionNumber: 150000, at: 0) { loop.willRun(scheduled.collector.name, at: 0) }
        _ = loop.serverFailed("gone", at: 5)
        #expect(loop.dueCollectors(schedule, versionNumber: 150000, at: 10).map(\.collector.name) == ["activity", "table_sizes"])
    }

    @Test func aFailureIsLoggedOnceUntilItChangesOrEnds() {
        var loop = TargetLoopState(interval: 5)
        #expect(loop.serverFailed("refused", at: 0) == [.warning("target down: refused")])
        #expect(loop.serverFailed("refused", at: 10).isEmpty)
        #expect(loop.serverFailed("timed out", at: 20) == [.warning("target down: timed out")])
        #expect(loop.failureReason == "target down: timed out")
        #expect(loop.serverAnswered() == [.info("target is up again")])
        #expect(loop.serverAnswered().isEmpty)
        #expect(loop.failureReason == nil)

        #expect(loop.collectorFailed("wal", "permission denied") == [.warning("collector wal failed: permission denied")])
        #expect(loop.collectorFailed("activity", "canceled") == [.warning("collector activity failed: canceled")])
        #expect(loop.collectorFailed("wal", "permission denied").isEmpty)
        #expect(loop.failureReason == "collector activity failed: canceled")  // the first by name
        #expect(loop.collectorSucceeded("activity") == [.info("collector activity recovered")])
        #expect(loop.collectorSucceeded("activity").isEmpty)
        #expect(loop.failureReason == "collector wal failed: permission denied")
    }
}
