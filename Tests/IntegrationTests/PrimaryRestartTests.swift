// A primary restarted under a running agent: pg_up drops to 0 and recovers without restarting the agent.
// scripts/test.sh runs this suite alone, after the others, because it stops the shared primary.

import Foundation
import Testing

@testable import Config
@testable import PGVigil

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"), .serialized)
struct PrimaryRestartTests {
    @Test func pgUpDropsThenRecoversWithinAFewIntervals() async throws {
        let script = try #require(ProcessInfo.processInfo.environment["PGVIGIL_TEST_CLUSTER_SCRIPT"])
        let config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)], interval: .seconds(1))
        try await RunningAgent.with(config) { agent in
            let up = { (scrape: Scrape) in scrape.value("pg_up", [("target", "primary")]) }
            _ = try await agent.scrape(until: { up($0) == 1 })

            #expect(try await runCommand(["/bin/bash", script, "stop-primary"]) == 0)
            let down = try await agent.scrape(until: { up($0) == 0 }, timeout: .seconds(15))
            #expect(up(down) == 0)
            #expect(down.value("pg_database_size_bytes", [("target", "primary"), ("datname", "postgres")]) == nil)

            let start = ContinuousClock.now
            #expect(try await runCommand(["/bin/bash", script, "start-primary"]) == 0)
            let recovered = try await agent.scrape(until: { up($0) == 1 }, timeout: .seconds(30))
            #expect(up(recovered) == 1)
            // Reconnect backoff is capped at four intervals.
            #expect(ContinuousClock.now - start < .seconds(10))
        }
    }
}
