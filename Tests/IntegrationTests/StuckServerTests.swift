// A server that stops answering (stopped backends, a black-hole listener): its target goes down on the client deadline, the others stay fresh.
import Foundation
import Testing
@testable import PGVigil

@Suite(.enabled(if: TestCluster.isAvailable, "needs the servers of scripts/test.sh"))
struct StuckServerTests {
    private static let interval: Duration = .seconds(1)
    private static let timeout: Duration = .seconds(2)
    /// How long each call waits for a server that does not answer (3 s here).
    private static let deadline = ClientDeadline(timeout: timeout).limit
    /// Rendering (at most every 250 ms) and the scrape loop's polling (every 200 ms).
    private static let observationSlack: Duration = .seconds(1)

    private func config(_ targets: [TargetConfig]) -> AgentConfig {
        var config = testConfig(targets: targets, interval: Self.interval)
        config.timeout = ConfigDuration(Self.timeout)
        return config
    }

    /// A target on the primary whose backends carry a name of their own (so only they are frozen
    /// or counted), visiting only `postgres` (so no other suite's database is ever held).
    private func primaryTarget(_ name: String, applicationName: String) -> TargetConfig {
        TargetConfig(name: name, dsn: TestCluster.primaryDSN + " application_name=\(applicationName)", databases: .list(["postgres"]))
    }

    private func value(_ scrape: Scrape, _ name: String, _ target: String) -> Double? {
        scrape.value(name, [("target", target)])
    }

    @Test func stoppedBackendsTurnTheTargetDownWhileAnotherStaysFreshAndItRecoversWithoutPileUp() async throws {
        let stuckApplication = TestCluster.uniqueName("pgvigil_stuck")
        let stuck = primaryTarget("stuck", applicationName: stuckApplication)
        let fresh = primaryTarget("fresh", applicationName: TestCluster.uniqueName("pgvigil_fresh"))
        let freezer = try BackendFreezer(applicationName: stuckApplication)
        defer { freezer.thaw() }
        try await RunningAgent.with(config([stuck, fresh])) { agent in
            let sized = try await agent.scrape(until: {
                value($0, "pg_up", "stuck") == 1 && value($0, "pg_up", "fresh") == 1
                    && $0.value("pg_database_size_bytes", [("target", "stuck"), ("datname", "postgres")]) != nil
            })
            #expect(value(sized, "pg_up", "stuck") == 1)

            // The agent's sessions wait for their next statement: stop them, and every reconnect.
            var initiallyFrozen = 0
            #expect(try await waitUntil(timeout: .seconds(5), every: .milliseconds(20)) {
                initiallyFrozen = try freezer.freezeIdleBackends()
                return initiallyFrozen > 0
            })
            let frozenAt = ContinuousClock.now
            let freezing = freezer.keepFreezing()
            defer { freezing.cancel() }

            var freshAges: [Double] = []
            let down = try await agent.scrape(until: { scrape in
                freshAges += [value(scrape, "pgvigil_last_sample_age_seconds", "fresh")].compactMap { $0 }
                return value(scrape, "pg_up", "stuck") == 0
            })
            let downAfter = ContinuousClock.now - frozenAt
            #expect(value(down, "pg_up", "stuck") == 0)
            // The next cycle starts within an interval, and its first statement meets the deadline.
            #expect(downAfter < Self.deadline + Self.interval + Self.observationSlack, "down after \(downAfter)")
            #expect(down.value("pg_database_size_bytes", [("target", "stuck"), ("datname", "postgres")]) == nil, "stale series served")
            let readiness = try await agent.get("/readyz")
            #expect(readiness.body.contains("no answer from the server within 3s"), "\(readiness.body)")

            // While it stays stuck (reconnects are stopped too), the other target samples on time.
            _ = try await waitUntil(timeout: Self.deadline + Self.interval) {
                let scrape = try await agent.get("/metrics")
                freshAges += [value(scrape, "pgvigil_last_sample_age_seconds", "fresh")].compactMap { $0 }
                #expect(value(scrape, "pg_up", "fresh") == 1)
                return false
            }
            #expect(!freshAges.isEmpty)
            #expect(freshAges.allSatisfy { $0 < Self.deadline.seconds }, "fresh target's sample ages: \(freshAges)")

            // Its reconnects were stopped as well, so their abandoned sessions are counted below.
            #expect(try freezer.freezeIdleBackends() > initiallyFrozen)
            freezing.cancel()
            freezer.thaw()
            let back = try await agent.scrape(until: { value($0, "pg_up", "stuck") == 1 }, timeout: .seconds(20))
            #expect(value(back, "pg_up", "stuck") == 1)

            // The dropped connections' backends end once they run again: no pile-up.
            let admin = try TestCluster.adminPrimary()
            var sessions: [String: Int] = [:]
            _ = try await waitUntil(timeout: .seconds(10)) {
                let rows = try admin.query(
                    "SELECT datname, count(*) AS sessions FROM pg_stat_activity WHERE application_name = $1 GROUP BY datname",
                    [stuckApplication]).rows
                sessions = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.string("datname") ?? "", try $0.int("sessions") ?? 0) })
                return !sessions.isEmpty && sessions.values.allSatisfy { $0 <= 2 }
            }
            #expect(!sessions.isEmpty)
            #expect(sessions.values.allSatisfy { $0 <= 2 }, "sessions per database: \(sessions)")
        }
    }

    @Test func aListenerThatNeverAnswersIsDownWithinTheDeadlineAndHoldsUpNoOtherTarget() async throws {
        let hole = try await BlackHoleServer()
        // More stuck targets than the 32 threads the agent once shared among all targets.
        let holes = (0..<40).map { index in
            TargetConfig(name: "hole\(index)", dsn: "host=127.0.0.1 port=\(hole.port) user=pgvigil password=never-logged-secret dbname=postgres")
        }
        let real = primaryTarget("real", applicationName: TestCluster.uniqueName("pgvigil_real"))
        let start = ContinuousClock.now
        try await RunningAgent.with(config(holes + [real])) { agent in
            var realAges: [Double] = []
            let down = try await agent.scrape(until: { scrape in
                realAges += [value(scrape, "pgvigil_last_sample_age_seconds", "real")].compactMap { $0 }
                return holes.allSatisfy { value(scrape, "pg_up", $0.name ?? "") == 0 }
            })
            let downAfter = ContinuousClock.now - start
            #expect(holes.allSatisfy { value(down, "pg_up", $0.name ?? "") == 0 })
            // The first cycle starts at once; its connect ends at the deadline.
            #expect(downAfter < Self.deadline + Self.observationSlack + .seconds(1), "down after \(downAfter)")
            #expect(hole.acceptedCount >= holes.count, "the connects reached the listener")
            let readiness = try await agent.get("/readyz")
            #expect(readiness.body.contains(#"{"target":"hole0","reason":"no answer from the server within 3s"#), "\(readiness.body)")
            #expect(!readiness.body.contains("never-logged-secret"))

            // Reconnects to the holes keep meeting the deadline; the real target samples on time.
            _ = try await waitUntil(timeout: Self.deadline + Self.interval) {
                let scrape = try await agent.get("/metrics")
                realAges += [value(scrape, "pgvigil_last_sample_age_seconds", "real")].compactMap { $0 }
                #expect(value(scrape, "pg_up", "real") == 1)
                return false
            }
            #expect(!realAges.isEmpty)
            #expect(realAges.allSatisfy { $0 < Self.deadline.seconds }, "real target's sample ages: \(realAges)")
        }
        await hole.stop()
    }
}
