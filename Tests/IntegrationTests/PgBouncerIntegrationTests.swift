// A real PgBouncer (Debian's) in front of the primary: pgvigil's pool counts match SHOW POOLS.

import Foundation
import Testing

@testable import Collectors
@testable import Config
@testable import PGVigil
@testable import Postgres
@testable import Store

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && ProcessInfo.processInfo.environment["PGVIGIL_TEST_PGBOUNCER_DSN"] != nil),
        "needs the PgBouncer of scripts/test.sh"))
struct PgBouncerIntegrationTests {
    private let adminDSN = ProcessInfo.processInfo.environment["PGVIGIL_TEST_PGBOUNCER_DSN"] ?? ""

    @Test func poolCountsMatchShowPools() async throws {
        // A client through PgBouncer holding its server connection (session pooling).
        let pooledDSN = adminDSN.replacingOccurrences(of: "dbname=pgbouncer", with: "dbname=postgres")
        let client = try PostgresConnection(parameters: [("dbname", pooledDSN)], dsn: pooledDSN)
        _ = try client.query("BEGIN", [])
        _ = try client.query("SELECT 1", [])
        defer { _ = try? client.query("ROLLBACK", []) }

        let session = DatabaseSession(
            settings: ConnectionSettings(
                connectionString: try ConnectionString(adminDSN), timeout: .seconds(5), kind: .pgbouncer),
            lane: TargetLane(sharing: .singleton))
        let server = try ServerInfo.pgBouncer(row: try #require(try await session.query(ServerInfo.pgBouncerQuery).rows.first))
        #expect(server.version.hasPrefix("PgBouncer"))
        let families = try await PgBouncerCollector().collect(session, server: server)
        let truth = try PostgresConnection(parameters: [("dbname", adminDSN)], dsn: adminDSN).query("SHOW POOLS", [])
        let row = try #require(truth.rows.first { (try? $0.string("database")) == "postgres" })
        let labels = [Label("database", "postgres"), Label("user", try row.string("user") ?? "")]
        let value = { (name: String) in families.first { $0.name == name }?.samples.first { $0.labels == labels }?.value }
        #expect(value("pgbouncer_pools_client_active_connections") == (try row.double("cl_active")))
        #expect(value("pgbouncer_pools_server_active_connections") == (try row.double("sv_active")))
        #expect(value("pgbouncer_pools_server_active_connections") ?? 0 >= 1)
        #expect(value("pgbouncer_pools_client_waiting_connections") == (try row.double("cl_waiting")))
        #expect(
            families.first { $0.name == "pgbouncer_stats_queries_pooled_total" }?.samples.contains { $0.labels == [Label("database", "postgres")] }
                == true)
    }

    @Test func anAgentSamplesAPgBouncerTarget() async throws {
        var config = testConfig(targets: [TargetConfig(name: "bouncer", dsn: adminDSN)])
        config.targets[0].type = .pgbouncer
        try await RunningAgent.with(config) { agent in
            let scrape = try await agent.scrape(until: {
                $0.value("pgvigil_collector_success", [("target", "bouncer"), ("collector", "pgbouncer")]) == 1
            })
            #expect(scrape.value("pg_up", [("target", "bouncer")]) == 1)
            #expect(scrape.familyNames.contains("pgbouncer_version_info"))
            #expect(!scrape.familyNames.contains("pg_in_recovery"))
        }
    }
}
