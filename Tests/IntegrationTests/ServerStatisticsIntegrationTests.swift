// The database, locks, checkpointer, WAL and wraparound collectors against real servers, each
// asserting a value it can know: a provoked deadlock, sessions blocked behind one holder, a
// CHECKPOINT, WAL written, the ages PostgreSQL itself reports.
// Serialized: the deadlock and the blocking test would otherwise see each other's waiting sessions.

import NIOPosix
import TestSupport
import Testing

@testable import Collectors
@testable import Exposition
@testable import PGVigil
@testable import Postgres
@testable import Store

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"), .serialized)
struct ServerStatisticsIntegrationTests {
    private let session: DatabaseSession
    private let primaryServer: ServerInfo

    init() async throws {
        session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        primaryServer = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
    }

    private func value(_ families: [MetricFamily], _ name: String, _ labels: [Label] = []) -> Double? {
        families.first { $0.name == name }?.samples.first { $0.labels == labels }?.value
    }

    @Test func aProvokedDeadlockRaisesTheDeadlockCounter() async throws {
        let collector = DatabaseStatsCollector()
        let postgres = [Label("datname", "postgres")]
        let before = try #require(value(try await collector.collect(session, server: primaryServer), "pg_stat_database_deadlocks_total", postgres))
        let first = try TestCluster.adminPrimary()
        let second = try TestCluster.adminPrimary()
        let key = Int.random(in: 1_000_000...9_000_000)
        _ = try first.query("BEGIN", [])
        _ = try first.query("SELECT pg_advisory_xact_lock(\(key))", [])
        _ = try second.query("BEGIN", [])
        _ = try second.query("SELECT pg_advisory_xact_lock(\(key + 1))", [])
        try await withBlockingPool { pool in
            // Each takes the other's lock; PostgreSQL cancels one, whose rollback lets the other through.
            async let firstWaits: Void = pool.runIfActive {
                do { _ = try first.query("SELECT pg_advisory_xact_lock(\(key + 1))", []) } catch { _ = try? first.query("ROLLBACK", []) }
            }
            let waiting = try await waitUntil(timeout: .seconds(10)) {
                try await session.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").rows.count == 1
            }
            #expect(waiting)
            async let secondWaits: Void = pool.runIfActive {
                do { _ = try second.query("SELECT pg_advisory_xact_lock(\(key))", []) } catch { _ = try? second.query("ROLLBACK", []) }
            }
            _ = try await (firstWaits, secondWaits)
        }
        _ = try? first.query("ROLLBACK", [])
        _ = try? second.query("ROLLBACK", [])
        var after = before
        let counted = try await waitUntil(timeout: .seconds(15)) {
            after = value(try await collector.collect(session, server: primaryServer), "pg_stat_database_deadlocks_total", postgres) ?? before
            return after > before
        }
        #expect(counted)
        #expect(after == before + 1)
    }

    @Test func sessionsBlockedBehindOneHolderAreCounted() async throws {
        let holder = try TestCluster.adminPrimary()
        let waiters = [try TestCluster.adminPrimary(), try TestCluster.adminPrimary()]
        let key = Int.random(in: 1_000_000...9_000_000)
        _ = try holder.query("BEGIN", [])
        _ = try holder.query("SELECT pg_advisory_xact_lock(\(key))", [])
        let postgres = [Label("datname", "postgres")]
        try await withBlockingPool { pool in
            async let firstWaiter: Void = pool.runIfActive { _ = try? waiters[0].query("SELECT pg_advisory_xact_lock(\(key))", []) }
            async let secondWaiter: Void = pool.runIfActive { _ = try? waiters[1].query("SELECT pg_advisory_xact_lock(\(key))", []) }
            var locks: [MetricFamily] = []
            var activity: [MetricFamily] = []
            let seen = try await waitUntil(timeout: .seconds(15)) {
                locks = try await LocksCollector().collect(session, server: primaryServer)
                activity = try await ActivityCollector().collect(session, server: primaryServer)
                // waitstart may be NULL for a moment after a wait begins (PostgreSQL's documentation).
                let waitKnown = primaryServer.versionNumber < 140000 || value(locks, "pg_locks_max_wait_seconds", postgres) != nil
                return value(locks, "pg_locks_max_sessions_blocked_by_one", postgres) == 2 && waitKnown
            }
            #expect(seen)
            #expect(value(locks, "pg_locks_blocking_sessions", postgres) == 1)
            #expect(value(activity, "pg_stat_activity_blocked_count", postgres) == 2)
            if primaryServer.versionNumber >= 140000 {
                #expect(value(locks, "pg_locks_max_wait_seconds", postgres) ?? -1 >= 0)
            }
            _ = try holder.query("COMMIT", [])
            _ = try await (firstWaiter, secondWaiter)
        }
        for waiter in waiters { _ = try? waiter.query("SELECT pg_advisory_unlock_all()", []) }
    }

    @Test func aCheckpointIsCountedUnderTheSameNameOnEveryVersion() async throws {
        let collector = CheckpointerCollector()
        let before = try #require(value(try await collector.collect(session, server: primaryServer), "pg_stat_checkpointer_num_requested_total"))
        _ = try TestCluster.adminPrimary().query("CHECKPOINT", [])
        var after = before
        let counted = try await waitUntil(timeout: .seconds(15)) {
            after = value(try await collector.collect(session, server: primaryServer), "pg_stat_checkpointer_num_requested_total") ?? before
            return after > before
        }
        #expect(counted)
    }

    @Test func walPositionAdvancesWithWritesAndTheStandbyReportsItsReplayPosition() async throws {
        let collector = WALCollector()
        let before = try #require(value(try await collector.collect(session, server: primaryServer), "pg_wal_lsn_bytes"))
        let admin = try TestCluster.adminPrimary()
        let table = TestCluster.uniqueName("walwrite")
        _ = try admin.query("CREATE TABLE \(table) AS SELECT g FROM generate_series(1, 10000) g", [])
        // The position is where WAL is written; with synchronous_commit off the WAL writer gets there shortly.
        let advanced = try await waitUntil(timeout: .seconds(10)) {
            (value(try await collector.collect(session, server: primaryServer), "pg_wal_lsn_bytes") ?? 0) > before
        }
        #expect(advanced)
        if primaryServer.versionNumber >= 140000 {
            #expect(value(try await collector.collect(session, server: primaryServer), "pg_stat_wal_bytes_total") ?? 0 > 0)
        }
        let replica = try TestCluster.monitoringSession(TestCluster.replicaDSN)
        let replicaServer = try ServerInfo(row: try #require(try await replica.query(ServerInfo.query).rows.first))
        #expect(replicaServer.isInRecovery)
        #expect(value(try await collector.collect(replica, server: replicaServer), "pg_wal_lsn_bytes") ?? 0 > 0)
    }

    @Test func wraparoundAgesMatchPostgres() async throws {
        let admin = try TestCluster.adminPrimary()
        let truth = {
            try #require(
                try admin.query("SELECT age(datfrozenxid)::float8 AS age FROM pg_database WHERE datname = 'postgres'", []).rows.first?.double("age"))
        }
        // Other tests consume transaction IDs meanwhile (one by thousands a second): the age read
        // by the collector lies between PostgreSQL's own reads before and after it.
        let before = try truth()
        let families = try await WraparoundCollector().collect(session, server: primaryServer)
        let after = try truth()
        let postgres = [Label("datname", "postgres")]
        let age = try #require(value(families, "pg_database_xid_age", postgres))
        #expect(before <= age && age <= after, "\(before) ≤ \(age) ≤ \(after)")
        #expect(value(families, "pg_database_xid_wraparound_ratio", postgres) == age / 2_147_483_648)
        #expect(families.first { $0.name == "pg_database_xid_age" }?.samples.contains { $0.labels == [Label("datname", "template0")] } == true)
        #expect(
            families.first { $0.name == "pg_database_oldest_table_xid_age" }?.samples.contains { $0.labels.first == Label("datname", "postgres") }
                == true)
    }
}

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct SettingsIntegrationTests {
    @Test func settingsMatchWhatTheServerReportsInBytesAndSeconds() async throws {
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        let families = try await SettingsCollector().collect(session, server: server)
        let truth = try #require(
            try TestCluster.adminPrimary().query(
                "SELECT pg_size_bytes(current_setting('shared_buffers'))::float8 AS shared_buffers", []
            ).rows.first?.double("shared_buffers"))
        #expect(families.first { $0.name == "pg_settings_shared_buffers" }?.samples.first?.value == truth)
        #expect(families.first { $0.name == "pg_settings_checkpoint_timeout" }?.samples.first?.value == 300)
        #expect(families.first { $0.name == "pg_settings_fsync" }?.samples.first?.value == 0)  // the test servers run with fsync=off
        #expect(!families.contains { $0.name == "pg_settings_max_connections" })
    }
}

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct PerObjectIntegrationTests {
    private func value(_ families: [MetricFamily], _ name: String, _ labels: [Label]) -> Double? {
        families.first { $0.name == name }?.samples.first { $0.labels == labels }?.value
    }

    /// A fresh database with a monitoring session limited to it.
    private func freshDatabase(_ prefix: String) throws -> (name: String, admin: PostgresConnection, session: DatabaseSession) {
        let name = TestCluster.uniqueName(prefix)
        _ = try TestCluster.adminPrimary().query("CREATE DATABASE \(name)", [])
        return (
            name, try TestCluster.adminPrimary(database: name), try TestCluster.monitoringSession(TestCluster.primaryDSN, databases: .list([name]))
        )
    }

    @Test func deadTuplesOfTheListedTablesAndTheRestAddUpToTheDatabasesTotal() async throws {
        let (database, admin, session) = try freshDatabase("dead")
        defer { _ = try? TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", []) }
        for (table, deleted) in [("few", 100), ("several", 200), ("many", 300)] {
            _ = try admin.query("CREATE TABLE \(table) (id int) WITH (autovacuum_enabled = off)", [])
            _ = try admin.query("INSERT INTO \(table) SELECT generate_series(1, 1000)", [])
            _ = try admin.query("DELETE FROM \(table) WHERE id <= \(deleted)", [])
        }
        let settled = try await waitUntil(timeout: .seconds(10)) {
            try admin.query("SELECT sum(n_dead_tup)::float8 AS dead FROM pg_stat_user_tables", []).rows.first?.double("dead") == 600
        }
        #expect(settled)
        let families = try await VacuumCollector(limit: 2).collect(
            session, server: ServerInfo(versionNumber: 150000, version: "", isInRecovery: false))
        let listed = families.first { $0.name == "pg_stat_user_tables_n_dead_tup" }?.samples ?? []
        // The two tables with the most dead tuples are listed; the third is the rest.
        #expect(Set(listed.compactMap { $0.labels.first { $0.name == "relname" }?.value }) == ["many", "several"])
        let rest = value(families, "pg_stat_user_tables_other_n_dead_tup", [Label("datname", database)])
        #expect(listed.map(\.value).reduce(0, +) + (rest ?? 0) == 600)
        // Never vacuumed nor analyzed (autovacuum is off for them): no age, rather than an age of 0.
        let many = [Label("datname", database), Label("schemaname", "public"), Label("relname", "many")]
        #expect(value(families, "pg_stat_user_tables_last_vacuum_age_seconds", many) == nil)
        #expect(value(families, "pg_stat_user_tables_last_analyze_age_seconds", many) == nil)
    }

    @Test func vacuumResetsTheLastVacuumAge() async throws {
        let (database, admin, session) = try freshDatabase("vac")
        defer { _ = try? TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", []) }
        _ = try admin.query("CREATE TABLE t (id int)", [])
        _ = try admin.query("INSERT INTO t SELECT generate_series(1, 1000)", [])
        _ = try admin.query("DELETE FROM t WHERE id <= 500", [])
        let server = ServerInfo(versionNumber: 150000, version: "", isInRecovery: false)
        let labels = [Label("datname", database), Label("schemaname", "public"), Label("relname", "t")]
        // Autovacuum may visit the new table any time; wait a moment so the manual VACUUM is the newest.
        _ = try admin.query("SELECT pg_sleep(2)", [])
        let vacuumStarted = ContinuousClock.now
        _ = try admin.query("VACUUM t", [])
        var age: Double?
        let seen = try await waitUntil(timeout: .seconds(10)) {
            age = value(try await VacuumCollector().collect(session, server: server), "pg_stat_user_tables_last_vacuum_age_seconds", labels)
            return age != nil
        }
        #expect(seen)
        // The manual VACUUM's age: no older than the time since it started (an autovacuum before
        // the 2 s sleep would be at least 2 s older), however slowly the machine ran the collector.
        let sinceVacuum = (ContinuousClock.now - vacuumStarted).seconds
        #expect((age ?? 99) < sinceVacuum + 1, "age \(age ?? -1) s, \(sinceVacuum) s since the VACUUM started")
    }

    @Test func unusedAndInvalidIndexesAreFound() async throws {
        let (database, admin, session) = try freshDatabase("idx")
        defer { _ = try? TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", []) }
        _ = try admin.query("CREATE TABLE t (id int PRIMARY KEY, v int)", [])
        _ = try admin.query("INSERT INTO t SELECT g, g % 10 FROM generate_series(1, 1000) g", [])
        _ = try admin.query("CREATE INDEX t_v_idx ON t (v)", [])
        // A unique index on duplicate values, built concurrently, fails and stays behind invalid.
        _ = try? admin.query("CREATE UNIQUE INDEX CONCURRENTLY t_v_unique ON t (v)", [])
        let server = ServerInfo(versionNumber: 150000, version: "", isInRecovery: false)
        let families = try await IndexesCollector().collect(session, server: server)
        let perDatabase = [Label("datname", database)]
        #expect(value(families, "pg_database_invalid_indexes", perDatabase) == 1)
        // t_v_idx is never scanned and not unique; t_pkey is a primary key; the invalid one is unique.
        #expect(value(families, "pg_database_unused_indexes", perDatabase) == 1)
        let size = try #require(try admin.query("SELECT pg_relation_size('t_v_idx')::float8 AS size", []).rows.first?.double("size"))
        #expect(
            value(
                families, "pg_stat_user_indexes_size_bytes",
                perDatabase + [Label("schemaname", "public"), Label("relname", "t"), Label("indexrelname", "t_v_idx")]) == size)
    }
}

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct StatementsIntegrationTests {
    @Test func aStatementRun100TimesShows100Calls() async throws {
        let admin = try TestCluster.adminPrimary()
        let table = TestCluster.uniqueName("stmt")
        _ = try admin.query("CREATE TABLE \(table) (id int)", [])
        for _ in 0..<100 { _ = try admin.query("SELECT count(*) FROM \(table) WHERE id > $1", ["7"]) }
        let queryid = try #require(
            try admin.query(
                "SELECT queryid::text AS queryid FROM pg_stat_statements WHERE query LIKE $1 AND query LIKE '%count(*)%'", ["%\(table)%"]
            ).rows.first?.string("queryid"))
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        let texts = StatementTextCatalog()
        let families = try await StatementsCollector(limit: 100_000, texts: texts, target: "primary").collect(session, server: server)
        let labels = [Label("datname", "postgres"), Label("usename", "postgres"), Label("queryid", queryid)]
        #expect(families.first { $0.name == "pg_stat_statements_calls_total" }?.samples.first { $0.labels == labels }?.value == 100)
        #expect(families.allSatisfy { $0.samples.allSatisfy { !$0.labels.contains { $0.value.contains(table) } } })  // no query text as a label
        // The text is in the JSON API instead, normalised, with the same queryid and calls.
        #expect(texts.document(target: "primary").contains(#"{"calls":100,"datname":"postgres","#))
        #expect(texts.document(target: "primary").contains(#""queryid":"\#(queryid)","target":"primary","usename":"postgres"}"#))
        #expect(texts.document(target: "primary").contains("SELECT count(*) FROM \(table) WHERE id > $1"))
    }

    @Test func aPasswordInAUtilityStatementIsMaskedInTheQueryText() async throws {
        let admin = try TestCluster.adminPrimary()
        let role = TestCluster.uniqueName("stmtrole")
        _ = try admin.query("CREATE ROLE \(role)", [])
        defer { _ = try? admin.query("DROP ROLE \(role)", []) }
        _ = try admin.query("ALTER ROLE \(role) PASSWORD 'hunter2-secret'", [])
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        let texts = StatementTextCatalog()
        _ = try await StatementsCollector(limit: 100_000, texts: texts, target: "primary").collect(session, server: server)
        let document = texts.document(target: nil)
        #expect(document.contains("ALTER ROLE \(role) PASSWORD '***'"))
        #expect(!document.contains("hunter2"))
    }

    @Test func withoutTheExtensionTheCollectorFailsWithTheReason() async throws {
        let database = TestCluster.uniqueName("nostmt")
        _ = try TestCluster.adminPrimary().query("CREATE DATABASE \(database)", [])
        defer { _ = try? TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let dsn = TestCluster.primaryDSN.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(database)")
        let session = try TestCluster.monitoringSession(dsn)
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        await #expect {
            _ = try await StatementsCollector().collect(session, server: server)
        } throws: { error in
            "\(error)".contains("pg_stat_statements")
        }
    }
}

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct PartitionsIntegrationTests {
    @Test func monthlyPartitionsRollUpAndReportTheirFutureCoverage() async throws {
        let database = TestCluster.uniqueName("part")
        _ = try TestCluster.adminPrimary().query("CREATE DATABASE \(database)", [])
        defer { _ = try? TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let admin = try TestCluster.adminPrimary(database: database)
        _ = try admin.query("CREATE TABLE events (at date NOT NULL, payload text) PARTITION BY RANGE (at)", [])
        // This month and the next two: coverage reaches the start of the month after.
        _ = try admin.query(
            """
            DO $$ DECLARE m date := date_trunc('month', now())::date; BEGIN
              FOR i IN 0..2 LOOP
                EXECUTE format('CREATE TABLE events_%s PARTITION OF events FOR VALUES FROM (%L) TO (%L)',
                               to_char(m + make_interval(months => i), 'YYYYMM'), m + make_interval(months => i), m + make_interval(months => i + 1));
              END LOOP;
            END $$
            """, [])
        _ = try admin.query("INSERT INTO events SELECT now()::date, repeat('x', 100) FROM generate_series(1, 2000)", [])
        let truth = try #require(
            try admin.query(
                """
                SELECT extract(epoch FROM (date_trunc('month', now())::date + interval '3 months')::timestamptz - now())::float8 AS coverage,
                       (SELECT sum(pg_total_relation_size(relid))::float8 FROM pg_partition_tree('events') WHERE isleaf) AS size
                """, []
            ).rows.first)
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN, databases: .list([database]))
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        let families = try await PartitionsCollector().collect(session, server: server)
        let labels = [Label("datname", database), Label("schemaname", "public"), Label("relname", "events")]
        let value = { (name: String) in families.first { $0.name == name }?.samples.first { $0.labels == labels }?.value }
        #expect(value("pg_partitioned_table_partitions") == 3)
        #expect(value("pg_partitioned_table_size_bytes") == (try truth.double("size")))
        let coverage = try #require(value("pg_partitioned_table_future_coverage_seconds"))
        // Between the server's own figure before the collector ran and after (the clock moves on).
        let later = try #require(
            try admin.query(
                "SELECT extract(epoch FROM (date_trunc('month', now())::date + interval '3 months')::timestamptz - now())::float8 AS coverage", []
            ).rows.first?.double("coverage"))
        #expect(coverage <= (try truth.double("coverage") ?? 0) + 1 && coverage >= later - 1, "\(coverage)")
        #expect(coverage > 59 * 86400)  // at least two full months ahead
    }
}
