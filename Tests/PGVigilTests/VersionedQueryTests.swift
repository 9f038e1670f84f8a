// Unit tests of the version-gated query choices for PostgreSQL 13 to 18, and of the new collectors' rows.

import Testing

@testable import Collectors
@testable import Config
@testable import PGVigil
@testable import Postgres
@testable import Store

@Suite struct VersionedQueryTests {
    private static let versions = [130_016, 140_013, 150_018, 160_009, 170_010, 180_006]

    @Test(arguments: versions)
    func checkpointerReadsTheViewTheServerHas(version: Int) {
        let query = CheckpointerCollector.query(versionNumber: version)
        #expect(query.contains("pg_stat_checkpointer") == (version >= 170_000))
        #expect(query.contains("checkpoints_timed AS num_timed") == (version < 170_000))
        #expect(query.contains("buffers_backend") == (version < 170_000))
    }

    @Test(arguments: versions)
    func walStatisticsExistFrom14AndLoseTheirIOColumnsIn18(version: Int) {
        let query = WALCollector.statsQuery(versionNumber: version)
        #expect((query != nil) == (version >= 140_000))
        #expect((query?.contains("wal_write_time") ?? false) == (version >= 140_000 && version < 180_000))
    }

    @Test(arguments: versions)
    func sessionStatisticsExistFrom14(version: Int) {
        #expect(DatabaseStatsCollector.query(versionNumber: version).contains("sessions_abandoned") == (version >= 140_000))
    }

    @Test(arguments: versions)
    func lockWaitStartExistsFrom14(version: Int) {
        #expect((LocksCollector.waitQuery(versionNumber: version) != nil) == (version >= 140_000))
    }

    @Test func checkpointerNamesAreTheSameBeforeAndAfter17() throws {
        let before = try CheckpointerCollector.families(rows: [
            Row([
                "num_timed": "5", "num_requested": "2", "write_time": "1500", "sync_time": "20", "buffers_written": "100",
                "buffers_clean": "3", "maxwritten_clean": "0", "buffers_alloc": "900", "buffers_backend": "7", "buffers_backend_fsync": "0",
            ])
        ])
        let after = try CheckpointerCollector.families(rows: [
            Row([
                "num_timed": "5", "num_requested": "2", "write_time": "1500", "sync_time": "20", "buffers_written": "100",
                "buffers_clean": "3", "maxwritten_clean": "0", "buffers_alloc": "900",
            ])
        ])
        #expect(Set(after.map(\.name)).isSubset(of: Set(before.map(\.name))))
        #expect(before.first { $0.name == "pg_stat_checkpointer_write_time_seconds_total" }?.samples.first?.value == 1.5)
        #expect(after.first { $0.name == "pg_stat_bgwriter_buffers_backend_total" } == nil)
    }

    @Test func databaseStatsScaleMillisecondsAndSkipTheSharedRow() throws {
        let families = try DatabaseStatsCollector.families(rows: [
            Row(["datname": "app", "xact_commit": "10", "deadlocks": "1", "blk_read_time": "250", "datconnlimit": "-1"]),
            Row(["datname": nil, "xact_commit": "3", "deadlocks": "0", "blk_read_time": "0", "datconnlimit": nil]),
        ])
        #expect(families.first { $0.name == "pg_stat_database_deadlocks_total" }?.samples == [Sample(labels: [Label("datname", "app")], value: 1)])
        #expect(families.first { $0.name == "pg_stat_database_blk_read_time_seconds_total" }?.samples.first?.value == 0.25)
        #expect(families.first { $0.name == "pg_database_connection_limit" }?.samples.first?.value == -1)
        #expect(families.first { $0.name == "pg_stat_database_sessions_total" } == nil)  // a 13 server has no such column
    }

    @Test func wraparoundRatioIsAgeOverTheHorizon() throws {
        let families = try WraparoundCollector.families(
            databaseRows: [Row(["datname": "app", "xid_age": "1073741824", "mxid_age": "0"])],
            oldestTables: [("app", [Row(["schemaname": "public", "relname": "old", "xid_age": "1073741800"])])])
        #expect(families.first { $0.name == "pg_database_xid_wraparound_ratio" }?.samples.first?.value == 0.5)
        #expect(families.first { $0.name == "pg_database_oldest_table_xid_age" }?.samples.first?.labels.last == Label("relname", "old"))
    }

    @Test func locksCountBlockersWithoutNamingThem() throws {
        let families = try LocksCollector.families(
            countRows: [Row(["datname": "app", "mode": "ExclusiveLock", "locks": "2"])],
            waitRows: [Row(["datname": "app", "max_wait": "3.5"])],
            blockingRows: [Row(["datname": "app", "blockers": "1", "max_blocked": "2"])])
        #expect(
            families.first { $0.name == "pg_locks_max_sessions_blocked_by_one" }?.samples == [Sample(labels: [Label("datname", "app")], value: 2)])
        #expect(families.allSatisfy { $0.samples.allSatisfy { !$0.labels.contains { $0.name == "pid" } } })
    }

    @Test func walRateIsDerivedFromThePosition() async throws {
        let store = SampleStore()
        let collector = WALCollector(window: .seconds(60))
        let history = TargetHistory(store: store, targetLabels: [Label("target", "t")])
        var derived: [MetricFamily] = []
        for (second, position) in [(0.0, 1_000_000.0), (10, 1_500_000), (20, 2_000_000)] {
            let families = try WALCollector.families(rows: [Row(["lsn_bytes": "\(position)"])])
            await store.append(
                families.map { $0.prefixingLabels([Label("target", "t")]) }, source: SeriesSource(target: "t", collector: "test"), timestamp: second,
                capacity: 10, retention: 100)
            derived = await collector.derive(from: families, history: history, now: second)
        }
        #expect(derived.first?.samples.first?.value == 50_000)
    }
}

@Suite struct SettingsCollectorTests {
    @Test(
        arguments: [
            ("16384", "8kB", "integer", 134_217_728.0),  // shared_buffers 128MB
            ("4096", "kB", "integer", 4_194_304),  // work_mem 4MB
            ("300", "s", "integer", 300),  // checkpoint_timeout
            ("1000", "ms", "integer", 1),  // deadlock_timeout
            ("1", "min", "integer", 60),  // autovacuum_naptime
            ("4", nil, "real", 4),  // random_page_cost
            ("-1", "kB", "integer", -1),  // temp_file_limit: disabled
            ("on", nil, "bool", 1),
            ("off", nil, "bool", 0),
        ] as [(String, String?, String, Double)])
    func normalisesToBaseUnits(setting: String, unit: String?, type: String, expected: Double) {
        #expect(SettingsCollector.normalised(setting: setting, unit: unit, type: type) == expected)
    }

    @Test func enumsOtherThanOnOffAreNotNumbers() {
        #expect(SettingsCollector.normalised(setting: "remote_apply", unit: nil, type: "enum") == nil)
        #expect(SettingsCollector.normalised(setting: "always", unit: nil, type: "enum") == 1)
    }
}

@Suite struct PerObjectCollectorTests {
    @Test func vacuumReportsTopTablesAndSumsTheRest() throws {
        let families = try VacuumCollector.families(
            progressRows: [Row(["datname": "app", "phase": "scanning heap", "vacuums": "1"])],
            tables: [
                (
                    "app",
                    [
                        Row([
                            "schemaname": "public", "relname": "t", "vacuum_age": "12", "analyze_age": nil, "n_dead_tup": "10", "dead_ratio": "0.25",
                            "other_dead": nil,
                        ]),
                        Row([
                            "schemaname": nil, "relname": nil, "vacuum_age": nil, "analyze_age": nil, "n_dead_tup": nil, "dead_ratio": nil,
                            "other_dead": "40",
                        ]),
                    ]
                )
            ])
        let table = [Label("datname", "app"), Label("schemaname", "public"), Label("relname", "t")]
        #expect(families.first { $0.name == "pg_stat_user_tables_last_vacuum_age_seconds" }?.samples == [Sample(labels: table, value: 12)])
        #expect(families.first { $0.name == "pg_stat_user_tables_last_analyze_age_seconds" }?.samples.isEmpty == true)  // never analyzed
        #expect(families.first { $0.name == "pg_stat_user_tables_n_dead_tup" }?.samples == [Sample(labels: table, value: 10)])
        #expect(families.first { $0.name == "pg_stat_user_tables_other_n_dead_tup" }?.samples.first?.value == 40)
        #expect(families.first { $0.name == "pg_vacuum_in_progress" }?.samples.first?.labels.last == Label("phase", "scanning heap"))
    }

    @Test func indexesReportSizesAndTheDatabaseSummary() throws {
        let families = try IndexesCollector.families(indexes: [
            (
                "app",
                [
                    Row([
                        "schemaname": "public", "relname": "t", "indexrelname": "t_pkey", "idx_scan": "9", "size_bytes": "8192",
                        "other_size": nil, "unused_count": nil, "unused_size": nil, "invalid_count": nil,
                    ]),
                    Row([
                        "schemaname": nil, "relname": nil, "indexrelname": nil, "idx_scan": nil, "size_bytes": nil,
                        "other_size": "100", "unused_count": "2", "unused_size": "16384", "invalid_count": "1",
                    ]),
                ]
            )
        ])
        #expect(families.first { $0.name == "pg_stat_user_indexes_size_bytes" }?.samples.first?.labels.last == Label("indexrelname", "t_pkey"))
        #expect(families.first { $0.name == "pg_database_unused_indexes" }?.samples == [Sample(labels: [Label("datname", "app")], value: 2)])
        #expect(families.first { $0.name == "pg_database_invalid_indexes" }?.samples.first?.value == 1)
    }
}

@Suite struct StatementsCollectorTests {
    @Test func statementsAreLabelledByQueryidNeverByText() throws {
        let families = try StatementsCollector.families(rows: [
            Row([
                "datname": "app", "usename": "web", "queryid": "-123", "calls": "100", "exec_time": "2500", "rows": "100", "blks_hit": "5",
                "blks_read": "1",
            ]),
            Row(["datname": nil, "usename": nil, "queryid": nil, "calls": "7", "exec_time": "10", "rows": nil, "blks_hit": nil, "blks_read": nil]),
        ])
        let labels = [Label("datname", "app"), Label("usename", "web"), Label("queryid", "-123")]
        #expect(families.first { $0.name == "pg_stat_statements_calls_total" }?.samples == [Sample(labels: labels, value: 100)])
        #expect(families.first { $0.name == "pg_stat_statements_exec_time_seconds_total" }?.samples.first?.value == 2.5)
        #expect(families.first { $0.name == "pg_stat_statements_other_calls_total" }?.samples == [Sample(value: 7)])
    }

    @Test func statementsAreOffUnlessEnabled() {
        var config = AgentConfig()
        #expect(!CollectorRegistry.schedule(for: config, context: .unitTest).contains { $0.collector.name == "statements" })
        config.collectors["statements"] = CollectorOptions(enabled: true)
        #expect(CollectorRegistry.schedule(for: config, context: .unitTest).contains { $0.collector.name == "statements" })
    }
}

@Suite struct PartitionsCollectorTests {
    @Test func partitionedTablesAndTheRestSummed() throws {
        let families = try PartitionsCollector.families(tables: [
            (
                "app",
                [
                    Row(["schemaname": "public", "relname": "events", "size_bytes": "1000", "partitions": "3", "future_coverage": "-3600"]),
                    Row(["schemaname": nil, "relname": nil, "size_bytes": "50", "partitions": nil, "future_coverage": nil]),
                ]
            )
        ])
        #expect(families.first { $0.name == "pg_partitioned_table_future_coverage_seconds" }?.samples.first?.value == -3600)
        #expect(
            families.first { $0.name == "pg_partitioned_table_other_size_bytes" }?.samples == [Sample(labels: [Label("datname", "app")], value: 50)])
    }

    @Test func databasesWithoutPartitionedTablesExportNothing() throws {
        let families = try PartitionsCollector.families(tables: [
            (
                "app",
                [
                    Row(["schemaname": nil, "relname": nil, "size_bytes": "0", "partitions": nil, "future_coverage": nil])
                ]
            )
        ])
        #expect(families.allSatisfy { $0.samples.isEmpty })
    }
}
