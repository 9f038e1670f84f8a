// Servers that do not answer (a black-hole listener) or answer slowly: the client deadline ends the wait, the server's own timeout comes first.

import Foundation
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct StuckServerTests {
    private typealias Scenario = StuckServerScenario

    @Test func aListenerThatNeverAnswersIsDownWithinTheDeadlineAndHoldsUpNoOtherTarget() async throws {
        let hole = try await SilentListener(.hold)
        // More stuck targets than the 32 threads the agent once shared among all targets.
        let holes = (0..<40).map { index in
            TargetConfig(name: "hole\(index)", dsn: "host=127.0.0.1 port=\(hole.port) user=pgvigil password=never-logged-secret dbname=postgres")
        }
        let real = Scenario.primaryTarget("real", applicationName: TestCluster.uniqueName("pgvigil_real"))
        let start = ContinuousClock.now
        try await RunningAgent.with(Scenario.config(holes + [real])) { agent in
            let down = try await agent.scrape(until: { scrape in
                holes.allSatisfy { Scenario.value(scrape, "pg_up", $0.name ?? "") == 0 }
            })
            let downAfter = ContinuousClock.now - start
            #expect(holes.allSatisfy { Scenario.value(down, "pg_up", $0.name ?? "") == 0 })
            // The first cycle starts at once; its connect ends at the deadline (the interval's
            // allowance covers starting 41 lanes on a loaded machine).
            #expect(downAfter < Scenario.deadline + Scenario.interval + Scenario.observationSlack, "down after \(downAfter)")
            #expect(hole.acceptedCount >= holes.count, "the connects reached the listener")
            let readiness = try await agent.get("/readyz")
            #expect(
                readiness.body.contains(
                    #"{"reason":"no answer from the server within 3s; the connection was dropped (and a running query cancelled)","target":"hole0"}"#),
                "\(readiness.body)")
            #expect(!readiness.body.contains("never-logged-secret"))

            // Reconnects to the holes keep meeting the deadline; the real target samples on time
            // (measured from here: the start of 41 lanes on a loaded machine says nothing of lanes).
            var realAges: [Double] = []
            _ = try await waitUntil(timeout: Scenario.deadline + Scenario.interval) {
                let scrape = try await agent.get("/metrics")
                realAges += [Scenario.value(scrape, "pgvigil_last_sample_age_seconds", "real")].compactMap { $0 }
                #expect(Scenario.value(scrape, "pg_up", "real") == 1)
                return false
            }
            #expect(!realAges.isEmpty)
            #expect(realAges.allSatisfy { $0 < Scenario.deadline.seconds }, "real target's sample ages: \(realAges)")
        }
        await hole.stop()
    }
    @Test func aHostThatNeverAnswersIsSkippedForTheNextHostOfTheDSN() async throws {
        let hole = try await SilentListener(.hold)
        let port = TestCluster.primaryPort
        let dsn = TestCluster.primaryDSN
            .replacing("host=127.0.0.1", with: "host=127.0.0.1,127.0.0.1")
            .replacing("port=\(port)", with: "port=\(hole.port),\(port)")
        // A lane of its own, as the agent gives each target: the shared pool may be busy.
        let lane = TargetLane.dedicated()
        defer { lane.shutDown() }
        let session = DatabaseSession(
            settings: ConnectionSettings(connectionString: try ConnectionString(dsn), timeout: Scenario.timeout), lane: lane)
        let start = ContinuousClock.now
        let rows = try await session.query("SELECT inet_server_port() AS port").rows
        let elapsed = ContinuousClock.now - start
        #expect(try rows.first?.int("port") == Int(port))
        #expect(hole.acceptedCount == 1)
        // The first host gets the whole deadline, the second answers at once.
        #expect(elapsed >= Scenario.deadline && elapsed < Scenario.deadline * 2, "connected after \(elapsed)")
        await session.close()
        await hole.stop()
    }
    @Test func aSlowQueryEndsWithTheServersStatementTimeoutAndKeepsItsConnection() async throws {
        let lane = TargetLane.dedicated()
        defer { lane.shutDown() }
        let session = DatabaseSession(
            settings: ConnectionSettings(connectionString: try ConnectionString(TestCluster.primaryDSN), timeout: Scenario.timeout), lane: lane)
        do {
            _ = try await session.query("SELECT pg_sleep(10)")
            Issue.record("a 10 s query outlived a 2 s timeout")
        } catch let error as PostgresError {
            #expect(error.kind == .query, "\(error)")
            #expect(error.sqlState == "57014", "\(error)")
        }
        #expect(try await session.query("SELECT 1 AS one").rows.first?.int("one") == 1)
        await session.close()
    }
}
