// The agent end to end against the real primary and replica: what a scrape shows is true.

import Foundation
import TestSupport
import Testing

@testable import Collectors
@testable import Config
@testable import Exposition
@testable import PGVigil
@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct AgentIntegrationTests {
    private let primary = TargetConfig(name: "primary", dsn: TestCluster.primaryDSN, labels: ["cluster": "test"])
    private let replica = TargetConfig(name: "replica", dsn: TestCluster.replicaDSN)

    @Test func servesEveryCoreFamilyForPrimaryAndReplica() async throws {
        let admin = try TestCluster.adminPrimary()
        _ = try admin.query("BEGIN", [])  // one client session so activity families have a sample
        defer { _ = try? admin.query("ROLLBACK", []) }
        try await RunningAgent.with(testConfig(targets: [primary, replica])) { agent in
            let core = [
                "pg_up", "pg_server_info", "pg_in_recovery", "pg_stat_activity_count", "pg_stat_activity_max_tx_duration_seconds",
                "pg_stat_activity_max_query_duration_seconds", "pg_stat_activity_max_idle_in_transaction_seconds",
                "pg_stat_activity_blocked_count", "pg_settings_max_connections", "pg_replication_lag_seconds", "pg_replication_lag_bytes",
                "pg_stat_replication_lag_bytes", "pg_replication_slot_retained_bytes", "pg_stat_database_blks_hit_total",
                "pg_stat_database_blks_read_total", "pg_cache_hit_ratio", "pg_database_size_bytes", "pg_stat_user_tables_total_size_bytes",
                "pg_stat_user_tables_other_total_size_bytes", "pgvigil_collector_success", "pgvigil_collector_duration_seconds",
                "pgvigil_last_sample_age_seconds", "pgvigil_build_info", "pgvigil_series",
            ]
            let scrape = try await agent.scrape(until: { Set(core).isSubset(of: $0.familyNames) })
            #expect(Set(core).subtracting(scrape.familyNames).isEmpty, "missing: \(Set(core).subtracting(scrape.familyNames).sorted())")
            #expect(scrape.value("pg_up", [("target", "primary"), ("cluster", "test")]) == 1)
            #expect(scrape.value("pg_up", [("target", "replica")]) == 1)
            #expect(scrape.value("pg_in_recovery", [("target", "replica")]) == 1)
            #expect(scrape.value("pg_in_recovery", [("target", "primary"), ("cluster", "test")]) == 0)
            // Every collector on by default that this server's version has (io: 16 and later).
            let version = try #require(try admin.query("SHOW server_version_num", []).rows.first?.int("server_version_num"))
            let context = CollectorContext(target: "primary", sideResults: CollectorSideResults())
            let running = CollectorRegistry.entries.filter {
                $0.enabledByDefault && $0.kind == .postgresql && $0.make(CollectorOptions(), context).minimumServerVersion <= version
            }
            #expect(running.count >= 13)
            for collector in running.map(\.name) {
                let labels = [("target", "primary"), ("cluster", "test"), ("collector", collector)]
                #expect(scrape.value("pgvigil_collector_success", labels) == 1, "collector \(collector)")
                #expect(scrape.value("pgvigil_series", labels) != nil, "collector \(collector)")
            }
            var ready = try await agent.get("/readyz")
            _ = try await waitUntil(timeout: .seconds(10)) {
                ready = try await agent.get("/readyz")
                return ready.status == 200
            }
            #expect(ready.status == 200, "\(ready.body)")
            let probe = try await agent.get("/probe?target=replica")
            #expect(probe.status == 200)
            #expect(!probe.body.contains("target=\"primary\""))
            #expect(probe.body.contains("pg_up{target=\"replica\"} 1"))
        }
    }

    @Test func unreachableTargetIsDownAndNotReadyWhileTheOtherIsServed() async throws {
        let nowhere = TargetConfig(
            name: "nowhere", dsn: "host=127.0.0.1 port=1 user=pgvigil password=never-logged-secret dbname=postgres connect_timeout=2")
        try await RunningAgent.with(testConfig(targets: [primary, nowhere])) { agent in
            let scrape = try await agent.scrape(until: {
                $0.value("pg_up", [("target", "nowhere")]) == 0 && $0.value("pg_up", [("target", "primary"), ("cluster", "test")]) == 1
            })
            #expect(scrape.value("pg_up", [("target", "nowhere")]) == 0)
            #expect(scrape.value("pg_up", [("target", "primary"), ("cluster", "test")]) == 1)
            // The down target keeps only pg_up and the pgvigil_* self metrics.
            let nowhereFamilies = Set(
                scrape.body.split(separator: "\n").filter { $0.contains("target=\"nowhere\"") }.map { String($0.prefix { $0 != "{" }) })
            #expect(nowhereFamilies.allSatisfy { $0 == "pg_up" || $0.hasPrefix("pgvigil_") }, "served for a down target: \(nowhereFamilies)")
            #expect(scrape.value("pg_database_size_bytes", [("target", "primary"), ("cluster", "test"), ("datname", "postgres")]) ?? 0 > 0)
            let ready = try await agent.get("/readyz")
            #expect(ready.status == 503)
            #expect(ready.body.contains("\"target\":\"nowhere\""))
            #expect(!ready.body.contains("never-logged-secret"))
            #expect(!scrape.body.contains("never-logged-secret"))
        }
    }

    @Test func idleInTransactionSessionIsSeenWithItsAge() async throws {
        // A database of its own: the served figure is the maximum over the database, and other
        // suites running alongside hold older transactions open in `postgres`.
        let database = TestCluster.uniqueName("idle_tx")
        let creator = try TestCluster.adminPrimary()
        _ = try creator.query("CREATE DATABASE \(database)", [])
        defer { _ = try? creator.query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let admin = try TestCluster.adminPrimary(database: database)
        _ = try admin.query("SET application_name = 'idle-in-tx-test'", [])
        _ = try admin.query("BEGIN", [])
        _ = try admin.query("SELECT 1", [])
        defer { _ = try? admin.query("ROLLBACK", []) }
        let observer = try TestCluster.adminPrimary()
        try await RunningAgent.with(testConfig(targets: [primary])) { agent in
            let labels = [("target", "primary"), ("cluster", "test"), ("datname", database)]
            let scrape = try await agent.scrape(until: { ($0.value("pg_stat_activity_max_idle_in_transaction_seconds", labels) ?? 0) >= 2 })
            let seen = try #require(scrape.value("pg_stat_activity_max_idle_in_transaction_seconds", labels))
            let truth = try #require(
                try observer.query(
                    "SELECT extract(epoch FROM now() - state_change)::float8 AS age FROM pg_stat_activity WHERE application_name = 'idle-in-tx-test'",
                    []
                ).rows.first?.double("age"))
            // The served value was sampled at the start of the last completed cycle: it trails the
            // truth by that cycle's duration plus the snapshot's age, never leads it.
            let age = try #require(scrape.value("pgvigil_last_sample_age_seconds", [("target", "primary"), ("cluster", "test")]))
            let cycle = scrape.body.split(separator: "\n").filter { $0.hasPrefix("pgvigil_collector_duration_seconds{target=\"primary\"") }
                .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
            #expect(seen >= 2)
            #expect(seen <= truth + 0.1)
            #expect(truth - seen < age + cycle + 1)
            #expect(
                scrape.value(
                    "pg_stat_activity_count",
                    [
                        ("target", "primary"), ("cluster", "test"), ("datname", database), ("usename", "postgres"),
                        ("state", "idle in transaction"), ("wait_event_type", "Client"),
                    ]) ?? 0 >= 1)
        }
    }

    @Test func tableNamesAreEscapedInTheExposition() async throws {
        let admin = try TestCluster.adminPrimary()
        let name = "we\"ird\\tab€le_\(UInt16.random(in: 0...UInt16.max))"
        let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        _ = try admin.query("CREATE TABLE \(quoted) (id int)", [])
        _ = try admin.query("INSERT INTO \(quoted) SELECT generate_series(1, 100)", [])
        let expected = try #require(
            try admin.query("SELECT pg_total_relation_size($1::regclass)::float8 AS size", [quoted]).rows.first?.double("size"))
        var config = testConfig(targets: [primary])
        config.collectors["table_sizes"]?.limit = 10_000
        try await RunningAgent.with(config) { agent in
            let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            let labels = [("target", "primary"), ("cluster", "test"), ("datname", "postgres"), ("schemaname", "public"), ("relname", escaped)]
            let scrape = try await agent.scrape(until: { $0.value("pg_stat_user_tables_total_size_bytes", labels) != nil })
            #expect(scrape.value("pg_stat_user_tables_total_size_bytes", labels) == expected)
            #expect(scrape.body.contains("relname=\"we\\\"ird\\\\tab€le_"))
        }
    }
}
