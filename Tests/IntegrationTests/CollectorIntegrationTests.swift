// The collectors' queries against the real primary and replica, as the pg_monitor-only role.

import TestSupport
import Testing

@testable import Collectors
@testable import PGVigil
@testable import Postgres
@testable import Store

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct CollectorIntegrationTests {
    private func value(_ name: String, _ labels: [Label], in families: [MetricFamily]) -> Double? {
        families.first { $0.name == name }?.samples.first { $0.labels == labels }?.value
    }

    @Test func connectsReadOnlyAsTheMonitoringRole() async throws {
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let info = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        #expect(info.majorVersion >= 13)
        #expect(!info.isInRecovery)
        let settings = try #require(
            try await session.query(
                "SELECT current_setting('default_transaction_read_only') AS ro, current_setting('application_name') AS app, current_user AS who"
            ).rows.first)
        #expect(try settings.string("ro") == "on")
        #expect(try settings.string("app") == "pgvigil")
        #expect(try settings.string("who") == "pgvigil")
        await #expect(throws: PostgresError.self) { _ = try await session.query("CREATE TABLE pgvigil_must_not_write (id int)") }
    }

    @Test func tableSizesMatchPostgres() async throws {
        let admin = try TestCluster.adminPrimary()
        let table = TestCluster.uniqueName("sized")
        _ = try admin.query("CREATE TABLE \(table) (id int PRIMARY KEY, payload text)", [])
        _ = try admin.query("INSERT INTO \(table) SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g", [])
        // The insert's statistics reach the server before ANALYZE sets the live count (flushed
        // after it, they were added again: 10,000 seen once in CI).
        _ = try admin.query("SELECT pg_stat_force_next_flush()", [])
        _ = try admin.query("ANALYZE \(table)", [])
        let expected = try #require(
            try admin.query(
                "SELECT pg_total_relation_size('\(table)')::float8 AS total, pg_indexes_size('\(table)')::float8 AS idx", []
            ).rows.first)

        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN, databases: .list(["postgres"]))
        let server = ServerInfo(versionNumber: 150000, version: "", isInRecovery: false)
        let families = try await TableSizesCollector(limit: 1000).collect(session, server: server)
        let labels = [Label("datname", "postgres"), Label("schemaname", "public"), Label("relname", table)]
        #expect(value("pg_stat_user_tables_total_size_bytes", labels, in: families) == (try expected.double("total")))
        #expect(value("pg_stat_user_tables_index_size_bytes", labels, in: families) == (try expected.double("idx")))
        #expect(value("pg_stat_user_tables_n_live_tup", labels, in: families) == 5000)
        #expect(value("pg_database_size_bytes", [Label("datname", "postgres")], in: families) ?? 0 > 0)
    }

    @Test func aListedDatabaseThatDoesNotExistIsReportedNotAFailure() async throws {
        let missing = TestCluster.uniqueName("absent")
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN, databases: .list(["postgres", missing]))
        let server = ServerInfo(versionNumber: 150000, version: "", isInRecovery: false)
        // The database that exists is reported in full; the one that does not is named, not fatal.
        let families = try await TableSizesCollector(limit: 10).collect(session, server: server)
        #expect(value("pg_database_size_bytes", [Label("datname", "postgres")], in: families) ?? 0 > 0)
        #expect(value("pgvigil_database_missing", [Label("datname", missing)], in: families) == 1)
        #expect(families.first { $0.name == "pgvigil_database_missing" }?.samples.count == 1)
    }

    @Test func theAgentsOwnSessionsAreReportedApartFromTheUsers() async throws {
        // A role of this test's own: other tests' agents (as pgvigil) visit every database too.
        let role = TestCluster.uniqueName("own")
        let database = TestCluster.uniqueName("own")
        let admin = try TestCluster.adminPrimary()
        _ = try admin.query("CREATE ROLE \(role) LOGIN PASSWORD 'own-test-password' IN ROLE pg_monitor", [])
        _ = try admin.query("CREATE DATABASE \(database)", [])
        defer {
            _ = try? admin.query("DROP DATABASE \(database) WITH (FORCE)", [])
            _ = try? admin.query("DROP ROLE \(role)", [])
        }
        let dsn = "host=127.0.0.1 port=\(TestCluster.primaryPort) user=\(role) password=own-test-password dbname=postgres"
        let session = try TestCluster.monitoringSession(dsn, databases: .list([database]))
        _ = try await session.query("SELECT 1")
        _ = try await session.session(forDatabase: database).query("SELECT 1")
        let server = ServerInfo(versionNumber: 150000, version: "", isInRecovery: false)
        let families = try await ActivityCollector().collect(session, server: server)
        // The role's two sessions are the agent's own: counted apart, and as no user's load.
        let counted = families.first { $0.name == "pg_stat_activity_count" }?.samples ?? []
        #expect(!counted.contains { $0.labels.contains(Label("usename", role)) })
        #expect(value("pgvigil_sessions", [Label("datname", database)], in: families) == 1)
        #expect(value("pgvigil_sessions", [Label("datname", "postgres")], in: families) == 1)
        await session.close()
    }

    @Test func discoveryRunsOncePerCycleAndSeesNewDatabasesInTheNext() async throws {
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        await session.startCycle()
        let before = try await session.databasesToVisit().visit
        let database = TestCluster.uniqueName("appears")
        _ = try TestCluster.adminPrimary().query("CREATE DATABASE \(database)", [])
        defer { _ = try? TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", []) }
        // Within the cycle every per-database collector shares one discovery.
        #expect(try await session.databasesToVisit().visit == before)
        await session.startCycle()
        #expect(try await session.databasesToVisit().visit.contains(database))
    }

    @Test func aDatabaseDroppedAfterDiscoveryIsSkippedNotAnError() async throws {
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let database = TestCluster.uniqueName("vanishes")
        _ = try TestCluster.adminPrimary().query("CREATE DATABASE \(database)", [])
        await session.startCycle()
        #expect(try await session.databasesToVisit().visit.contains(database))
        _ = try TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", [])
        let visited = try await session.forEachDatabase(["postgres", database]) { try await $0.query("SELECT 1 AS one").rows.count }
        #expect(visited.map(\.database) == ["postgres"])
    }

    @Test func aTerminatedChildConnectionIsRetriedNotReportedAsAFailure() async throws {
        let admin = try TestCluster.adminPrimary()
        let database = TestCluster.uniqueName("terminated")
        _ = try admin.query("CREATE DATABASE \(database)", [])
        defer { _ = try? admin.query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN, databases: .list([database]))
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        _ = try await TableSizesCollector().collect(session, server: server)  // opens the child connection
        let pid = try #require(
            try await session.forEachDatabase([database]) { child in
                try await child.query("SELECT pg_backend_pid()::text AS pid").rows.first?.string("pid")
            }.first?.result)
        // As DROP DATABASE ... WITH (FORCE) or a DBA would: end the child's backend. (Other tests'
        // agents may hold connections to this database too: only this one is watched.)
        _ = try admin.query("SELECT pg_terminate_backend($1::int)", [pid])
        let gone = try await waitUntil(timeout: .seconds(10)) {
            try admin.query("SELECT 1 FROM pg_stat_activity WHERE pid = $1::int", [pid]).rows.isEmpty
        }
        #expect(gone)
        await session.startCycle()
        let families = try await TableSizesCollector().collect(session, server: server)
        #expect(value("pg_database_size_bytes", [Label("datname", database)], in: families) ?? 0 > 0)
    }
}
