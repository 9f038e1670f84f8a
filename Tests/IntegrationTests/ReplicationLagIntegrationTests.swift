// Replication lag on both sides, proven by pausing replay on the real standby while the primary writes.

import Foundation
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"), .serialized)
struct ReplicationLagIntegrationTests {
    @Test func pausedReplayRaisesBothLagBytesAndResumeReturnsThemToZero() async throws {
        let primaryAdmin = try TestCluster.adminPrimary()
        let replicaAdmin = try TestCluster.adminReplica()
        let table = TestCluster.uniqueName("lag")
        _ = try primaryAdmin.query("CREATE TABLE \(table) (id int, payload text)", [])
        let config = testConfig(targets: [
            TargetConfig(name: "primary", dsn: TestCluster.primaryDSN),
            TargetConfig(name: "replica", dsn: TestCluster.replicaDSN),
        ])
        try await RunningAgent.with(config) { agent in
            let standbyLag = { (scrape: Scrape) in scrape.value("pg_replication_lag_bytes", [("target", "replica")]) ?? -1 }
            let primaryLag = { (scrape: Scrape) in
                scrape.value(
                    "pg_stat_replication_lag_bytes",
                    [("target", "primary"), ("application_name", "replica"), ("client_addr", ""), ("state", "streaming")]) ?? -1
            }
            _ = try await agent.scrape(until: { standbyLag($0) == 0 && primaryLag($0) == 0 })

            _ = try replicaAdmin.query("SELECT pg_wal_replay_pause()", [])
            defer { _ = try? replicaAdmin.query("SELECT pg_wal_replay_resume()", []) }
            _ = try primaryAdmin.query("INSERT INTO \(table) SELECT g, repeat('x', 100) FROM generate_series(1, 20000) g", [])

            let paused = try await agent.scrape(until: { standbyLag($0) > 1_000_000 && primaryLag($0) > 1_000_000 })
            #expect(standbyLag(paused) > 1_000_000)
            #expect(primaryLag(paused) > 1_000_000)
            #expect(paused.value("pg_replication_lag_seconds", [("target", "replica")]) ?? 0 > 0)

            _ = try replicaAdmin.query("SELECT pg_wal_replay_resume()", [])
            let resumed = try await agent.scrape(until: { standbyLag($0) == 0 && primaryLag($0) == 0 })
            #expect(standbyLag(resumed) == 0)
            #expect(primaryLag(resumed) == 0)
            #expect(resumed.value("pg_replication_lag_seconds", [("target", "replica")]) == 0)
        }
    }
}
