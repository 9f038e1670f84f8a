// The agent's own backends stopped (SIGSTOP): the target goes down on the client deadline while another stays fresh, and recovers without a pile-up of sessions.
// scripts/test.sh runs this suite alone: a stopped backend cannot absorb PostgreSQL's
// ProcSignalBarriers, so while it is stopped every DROP DATABASE in the cluster waits for it.

import Foundation
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"), .serialized)
struct StoppedBackendTests {
    private typealias Scenario = StuckServerScenario

    @Test func stoppedBackendsTurnTheTargetDownWhileAnotherStaysFreshAndItRecoversWithoutPileUp() async throws {
        let stuckApplication = TestCluster.uniqueName("pgvigil_stuck")
        let stuck = Scenario.primaryTarget("stuck", applicationName: stuckApplication)
        let fresh = Scenario.primaryTarget("fresh", applicationName: TestCluster.uniqueName("pgvigil_fresh"))
        let freezer = try BackendFreezer(applicationName: stuckApplication)
        defer { freezer.thaw() }
        try await RunningAgent.with(Scenario.config([stuck, fresh])) { agent in
            let sized = try await agent.scrape(until: {
                Scenario.value($0, "pg_up", "stuck") == 1 && Scenario.value($0, "pg_up", "fresh") == 1
                    && $0.value("pg_database_size_bytes", [("target", "stuck"), ("datname", "postgres")]) != nil
            })
            #expect(Scenario.value(sized, "pg_up", "stuck") == 1)

            // The agent's sessions wait for their next statement: stop them, and every reconnect.
            var initiallyFrozen = 0
            #expect(
                try await waitUntil(timeout: .seconds(5), every: .milliseconds(20)) {
                    initiallyFrozen = try freezer.freezeIdleBackends()
                    return initiallyFrozen > 0
                })
            let frozenAt = ContinuousClock.now
            let freezing = freezer.keepFreezing()
            defer { freezing.cancel() }

            var freshAges: [Double] = []
            let down = try await agent.scrape(until: { scrape in
                freshAges += [Scenario.value(scrape, "pgvigil_last_sample_age_seconds", "fresh")].compactMap { $0 }
                return Scenario.value(scrape, "pg_up", "stuck") == 0
            })
            let downAfter = ContinuousClock.now - frozenAt
            #expect(Scenario.value(down, "pg_up", "stuck") == 0)
            // The next cycle starts within an interval, and its first statement meets the deadline.
            #expect(downAfter < Scenario.deadline + Scenario.interval + Scenario.observationSlack, "down after \(downAfter)")
            #expect(down.value("pg_database_size_bytes", [("target", "stuck"), ("datname", "postgres")]) == nil, "stale series served")
            let readiness = try await agent.get("/readyz")
            #expect(readiness.body.contains("no answer from the server within 3s"), "\(readiness.body)")

            // While it stays stuck (reconnects are stopped too), the other target samples on time.
            _ = try await waitUntil(timeout: Scenario.deadline + Scenario.interval) {
                let scrape = try await agent.get("/metrics")
                freshAges += [Scenario.value(scrape, "pgvigil_last_sample_age_seconds", "fresh")].compactMap { $0 }
                #expect(Scenario.value(scrape, "pg_up", "fresh") == 1)
                return false
            }
            #expect(!freshAges.isEmpty)
            #expect(freshAges.allSatisfy { $0 < Scenario.deadline.seconds }, "fresh target's sample ages: \(freshAges)")

            // Its reconnects were stopped as well, so their abandoned sessions are counted below.
            #expect(try freezer.freezeIdleBackends() > initiallyFrozen)
            freezing.cancel()
            freezer.thaw()
            let back = try await agent.scrape(until: { Scenario.value($0, "pg_up", "stuck") == 1 }, timeout: .seconds(20))
            #expect(Scenario.value(back, "pg_up", "stuck") == 1)

            // The dropped connections' backends end once they run again: no pile-up.
            let admin = try TestCluster.adminPrimary()
            var sessions: [String: Int] = [:]
            _ = try await waitUntil(timeout: .seconds(10)) {
                let rows = try admin.query(
                    "SELECT datname, count(*) AS sessions FROM pg_stat_activity WHERE application_name = $1 GROUP BY datname",
                    [stuckApplication]
                ).rows
                sessions = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.string("datname") ?? "", try $0.int("sessions") ?? 0) })
                return !sessions.isEmpty && sessions.values.allSatisfy { $0 <= 2 }
            }
            #expect(!sessions.isEmpty)
            #expect(sessions.values.allSatisfy { $0 <= 2 }, "sessions per database: \(sessions)")
        }
    }
    @Test func aStoppedChildSessionFailsItsCollectorNotTheTarget() async throws {
        let application = TestCluster.uniqueName("pgvigil_child")
        let database = TestCluster.uniqueName("pgvigil_frozen")
        let admin = try TestCluster.adminPrimary()
        _ = try admin.query("CREATE DATABASE \(database)", [])
        let freezer = try BackendFreezer(applicationName: application, database: database)
        defer {
            freezer.thaw()
            _ = try? admin.query("DROP DATABASE \(database) WITH (FORCE)", [])
        }
        let target = TargetConfig(
            name: "child", dsn: TestCluster.primaryDSN + " application_name=\(application)", databases: .list([database]))
        try await RunningAgent.with(Scenario.config([target])) { agent in
            let tableSizes = [("target", "child"), ("collector", "table_sizes")]
            _ = try await agent.scrape(until: { $0.value("pgvigil_collector_success", tableSizes) == 1 })
            #expect(try await waitUntil(timeout: .seconds(5), every: .milliseconds(20)) { try freezer.freezeIdleBackends() > 0 })
            let frozenAt = ContinuousClock.now

            let failed = try await agent.scrape(until: { $0.value("pgvigil_collector_success", tableSizes) == 0 })
            let failedAfter = ContinuousClock.now - frozenAt
            #expect(failed.value("pgvigil_collector_success", tableSizes) == 0)
            // Not retried, not checked again on the main session: one deadline, within a cycle.
            #expect(failedAfter < Scenario.deadline + Scenario.interval + Scenario.observationSlack, "failed after \(failedAfter)")
            #expect(Scenario.value(failed, "pg_up", "child") == 1)
            let page = try await agent.get("/")
            #expect(page.body.contains("\(database)&quot;: no answer from the server within 3s"), "\(page.body)")

            freezer.thaw()
            let recovered = try await agent.scrape(until: { $0.value("pgvigil_collector_success", tableSizes) == 1 })
            #expect(recovered.value("pgvigil_collector_success", tableSizes) == 1)
        }
    }
}
