// Unit tests of the collectors' pure row→samples functions.

import Testing

@testable import Collectors
@testable import PGVigil
@testable import Postgres
@testable import Store

@Suite struct CollectorRowTests {
    private func family(_ name: String, in families: [MetricFamily]) throws -> MetricFamily {
        try #require(families.first { $0.name == name })
    }

    @Test func activityCountsAndDurations() throws {
        let families = try ActivityCollector.families(
            countRows: [
                Row(["datname": "app", "usename": "web", "state": "active", "wait_event_type": "", "own": "f", "sessions": "3"]),
                Row(["datname": "app", "usename": "web", "state": "idle in transaction", "wait_event_type": "Client", "own": "f", "sessions": "1"]),
                Row(["datname": "app", "usename": "pgvigil", "state": "idle", "wait_event_type": "Client", "own": "t", "sessions": "1"]),
            ],
            durationRows: [
                Row([
                    "datname": "app", "max_tx_duration": "12.5", "max_query_duration": "0.25", "max_idle_in_transaction": "12.4", "blocked": "2",
                    "older_than_60": "3", "older_than_300": "1", "older_than_600": "1", "older_than_1800": "0",
                ])
            ],
            settingsRows: [Row(["max_connections": "100"])])
        let count = try family("pg_stat_activity_count", in: families)
        #expect(count.samples.count == 2)
        #expect(
            count.samples[1].labels == [
                Label("datname", "app"), Label("usename", "web"), Label("state", "idle in transaction"), Label("wait_event_type", "Client"),
            ])
        #expect(count.samples[1].value == 1)
        #expect(
            try family("pg_stat_activity_max_tx_duration_seconds", in: families).samples == [Sample(labels: [Label("datname", "app")], value: 12.5)])
        #expect(try family("pg_stat_activity_max_idle_in_transaction_seconds", in: families).samples.first?.value == 12.4)
        #expect(try family("pg_stat_activity_blocked_count", in: families).samples.first?.value == 2)
        #expect(try family("pg_settings_max_connections", in: families).samples == [Sample(value: 100)])
        // The agent's own session is no user's load, but it takes a connection slot.
        #expect(try family("pgvigil_sessions", in: families).samples == [Sample(labels: [Label("datname", "app")], value: 1)])
        #expect(try family("pg_connections_used_ratio", in: families).samples == [Sample(value: 0.05)])
        #expect(
            try family("pg_stat_activity_long_transactions", in: families).samples == [
                Sample(labels: [Label("datname", "app"), Label("older_than_seconds", "60")], value: 3),
                Sample(labels: [Label("datname", "app"), Label("older_than_seconds", "300")], value: 1),
                Sample(labels: [Label("datname", "app"), Label("older_than_seconds", "600")], value: 1),
                Sample(labels: [Label("datname", "app"), Label("older_than_seconds", "1800")], value: 0),
            ])
    }

    @Test func ioRowsAreLabelledByBackendObjectAndContextWithNullsLeftOut() throws {
        let families = try IOCollector.families(rows: [
            Row([
                "backend_type": "client backend", "object": "relation", "context": "normal", "reads": "10", "read_bytes": "81920",
                "read_time": "2.5", "writes": "1", "write_bytes": "8192", "write_time": "0", "writebacks": "0", "extends": "3",
                "extend_bytes": "24576", "hits": "400", "evictions": "2", "reuses": nil, "fsyncs": "0", "fsync_time": "0",
            ]),
            Row([
                "backend_type": "autovacuum worker", "object": "relation", "context": "vacuum", "reads": "7", "read_bytes": "57344",
                "read_time": "0", "writes": "0", "write_bytes": "0", "write_time": "0", "writebacks": "0", "extends": nil,
                "extend_bytes": nil, "hits": "9", "evictions": "0", "reuses": "5", "fsyncs": nil, "fsync_time": nil,
            ]),
        ])
        let client = [Label("backend_type", "client backend"), Label("object", "relation"), Label("context", "normal")]
        let vacuum = [Label("backend_type", "autovacuum worker"), Label("object", "relation"), Label("context", "vacuum")]
        #expect(try family("pg_stat_io_reads_total", in: families).samples == [Sample(labels: client, value: 10), Sample(labels: vacuum, value: 7)])
        #expect(try family("pg_stat_io_read_time_seconds_total", in: families).samples.first == Sample(labels: client, value: 0.0025))
        #expect(try family("pg_stat_io_reuses_total", in: families).samples == [Sample(labels: vacuum, value: 5)])
        #expect(try family("pg_stat_io_extend_bytes_total", in: families).samples == [Sample(labels: client, value: 24576)])
        #expect(try family("pg_stat_io_fsyncs_total", in: families).samples.count == 1)
        #expect(families.allSatisfy { $0.type == .counter && !$0.samples.isEmpty })
        // 16 and 17 have no byte columns: bytes are operations × op_bytes; 18 has its own.
        #expect(IOCollector.query(versionNumber: 170000).contains("(reads * op_bytes)::float8 AS read_bytes"))
        #expect(
            IOCollector.query(versionNumber: 180000).contains("read_bytes::float8 AS read_bytes")
                && !IOCollector.query(versionNumber: 180000).contains("op_bytes"))
    }

    @Test func standbyRowGivesPositionAndReplayAgeAndOmitsUnknowns() throws {
        let families = try ReplicationCollector.families(
            standbyRows: [Row(["lag_bytes": nil, "receive_lsn": "50331648", "replay_age": "4.5"])], standbysRows: [], slotRows: [])
        #expect(try family("pg_replication_last_replay_age_seconds", in: families).samples == [Sample(value: 4.5)])
        #expect(try family("pg_replication_receive_lsn_bytes", in: families).samples == [Sample(value: 50_331_648)])
        #expect(try family("pg_replication_lag_bytes", in: families).samples.isEmpty)
    }

    @Test func standbyLagIsZeroWhenCaughtUpAndBoundedAfterAnIdlePrimary() {
        let lag = ReplicationCollector.standbyLagSeconds
        // Everything received is replayed: 0, however old the last replayed commit is.
        #expect(lag(0, 1000, 3600, [], 100) == 0)
        // An hour of quiet, then a write not yet replayed: the last replayed commit is an hour old,
        // but at t=90 the standby had received no more than it has replayed now: at most 10 s.
        let quiet = (0...9).map { SeriesPoint(timestamp: Double($0) * 10, value: 1000) }
        #expect(lag(500, 1500, 3600, quiet, 100) == 10)
        // Replay stuck for long: received positions moved on at every sample since t=20.
        let moving = (0...9).map { SeriesPoint(timestamp: Double($0) * 10, value: $0 < 3 ? 1000 : 1000 + Double($0) * 100) }
        #expect(lag(1000, 2000, 75, moving, 100) == 75)  // the commit age is smaller: it wins
        #expect(lag(1000, 2000, 500, moving, 100) == 80)  // the last point at ≤ 1000 is t=20
        // No history yet: the commit age; neither known: omitted.
        #expect(lag(500, 1500, 42, [], 100) == 42)
        #expect(lag(500, 1500, nil, [], 100) == nil)
    }

    @Test func caughtUpIdleStandbyHasZeroLagTimesInsteadOfNull() throws {
        let families = try ReplicationCollector.families(
            standbyRows: [],
            standbysRows: [
                Row([
                    "application_name": "r1", "client_addr": "10.0.0.2", "state": "streaming", "lag_bytes": "0",
                    "write_lag": nil, "flush_lag": nil, "replay_lag": nil,
                ]),
                Row([
                    "application_name": "r2", "client_addr": "10.0.0.3", "state": "streaming", "lag_bytes": "8192",
                    "write_lag": "0.001", "flush_lag": "0.002", "replay_lag": nil,
                ]),
            ], slotRows: [])
        let replay = try family("pg_stat_replication_replay_lag_seconds", in: families)
        #expect(replay.samples.count == 1)
        #expect(replay.samples.first?.value == 0)
        #expect(try family("pg_stat_replication_flush_lag_seconds", in: families).samples.map(\.value) == [0, 0.002])
        let bytes = try family("pg_stat_replication_lag_bytes", in: families)
        #expect(bytes.samples.last?.labels.first == Label("application_name", "r2"))
        #expect(bytes.samples.last?.value == 8192)
    }

    @Test func slotsWithoutRestartLSNAreSkipped() throws {
        let families = try ReplicationCollector.families(
            standbyRows: [], standbysRows: [],
            slotRows: [
                Row(["slot_name": "s1", "slot_type": "physical", "active": "t", "retained_bytes": "1024"]),
                Row(["slot_name": "s2", "slot_type": "logical", "active": "f", "retained_bytes": nil]),
            ])
        #expect(
            try family("pg_replication_slot_retained_bytes", in: families).samples == [
                Sample(labels: [Label("slot_name", "s1"), Label("slot_type", "physical"), Label("active", "true")], value: 1024)
            ])
    }

    @Test func cacheHitRatioUsesTheWindowElseSinceReset() {
        #expect(CacheHitRatio.ratio(hitIncrease: 90, readIncrease: 10, hitsSinceReset: 1, readsSinceReset: 1) == 0.9)
        #expect(CacheHitRatio.ratio(hitIncrease: nil, readIncrease: nil, hitsSinceReset: 3, readsSinceReset: 1) == 0.75)
        #expect(CacheHitRatio.ratio(hitIncrease: 0, readIncrease: 0, hitsSinceReset: 3, readsSinceReset: 1) == nil)
    }

    @Test func cacheHitRatioIsDerivedFromStoredHistory() async throws {
        let store = SampleStore()
        let collector = CacheHitCollector(window: .seconds(60))
        let target = [Label("target", "t")]
        let history = TargetHistory(store: store, targetLabels: target)
        var derived: [MetricFamily] = []
        for (second, hits, reads) in [(0.0, 1000.0, 1000.0), (10, 1090, 1010), (20, 1180, 1020)] {
            let families = try CacheHitCollector.families(rows: [Row(["datname": "app", "blks_hit": "\(hits)", "blks_read": "\(reads)"])])
            await store.append(
                families.map { $0.prefixingLabels(target) }, source: SeriesSource(target: "t", collector: "test"), timestamp: second, capacity: 100,
                retention: 3600)
            derived = await collector.derive(from: families, history: history, now: second)
            if second == 0 {
                #expect(derived.first?.samples.first?.value == 0.5)  // one sample: since reset
            }
        }
        // over the window: 180 hits, 20 reads
        #expect(derived.first?.samples.first?.value == 0.9)
    }

    @Test func tableSizesReportTopTablesAndSumTheRest() throws {
        let families = try TableSizesCollector.families(
            tables: [
                (
                    "app",
                    [
                        Row([
                            "schemaname": "public", "relname": "orders", "table_bytes": "800", "index_bytes": "200", "total_bytes": "1000",
                            "n_live_tup": "10",
                        ]),
                        Row([
                            "schemaname": nil, "relname": nil, "table_bytes": nil, "index_bytes": nil, "total_bytes": "300", "n_live_tup": nil,
                            "database_bytes": "9000000",
                        ]),
                    ]
                )
            ])
        let labels = [Label("datname", "app"), Label("schemaname", "public"), Label("relname", "orders")]
        #expect(try family("pg_stat_user_tables_total_size_bytes", in: families).samples == [Sample(labels: labels, value: 1000)])
        #expect(try family("pg_stat_user_tables_n_live_tup", in: families).samples == [Sample(labels: labels, value: 10)])
        // Dead tuples are the vacuum collector's (its top tables by dead tuples), not these.
        #expect(families.allSatisfy { $0.name != "pg_stat_user_tables_n_dead_tup" })
        #expect(
            try family("pg_stat_user_tables_other_total_size_bytes", in: families).samples == [Sample(labels: [Label("datname", "app")], value: 300)])
        #expect(try family("pg_database_size_bytes", in: families).samples.first?.value == 9_000_000)
    }

    @Test func rowDecodingNamesTheColumn() {
        let row = Row(["n": "abc"])
        #expect(throws: PostgresError.self) { _ = try row.double("n") }
        #expect(throws: PostgresError.self) { _ = try row.double("missing") }
    }
}
