// WAL: the current position, the generation rate over a window, pg_stat_wal (14+), and the archiver.
import Postgres
import Store

/// Reports the server's WAL position as bytes (written on a primary, replayed on a standby), the
/// WAL generation rate derived from the history, `pg_stat_wal` counters (PostgreSQL 14+; its
/// write/sync columns until 17), and `pg_stat_archiver`'s counts and the age of its last
/// success and failure.
struct WALCollector: Collector {
    package let name = "wal"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 130000
    /// The window of the derived generation rate.
    package let window: Duration

    /// Creates the collector with the rate's window (default 5 minutes).
    package init(window: Duration = .seconds(300)) {
        self.window = window
    }

    static let positionName = "pg_wal_lsn_bytes"

    /// The WAL position and the archiver row, in one statement.
    package static func query(inRecovery: Bool) -> String {
        """
        SELECT pg_wal_lsn_diff(\(WALPosition.current(inRecovery: inRecovery)), '0/0')::float8 AS lsn_bytes,
               archived_count, failed_count,
               (\(SecondsSince.sql("last_archived_time")))::float8 AS last_archived_age,
               (\(SecondsSince.sql("last_failed_time")))::float8 AS last_failed_age
        FROM pg_stat_archiver
        """
    }

    /// `pg_stat_wal` for a server of `versionNumber`; nil before 14, which has no such view.
    static func statsQuery(versionNumber: Int) -> String? {
        switch versionNumber {
        case ..<140000: nil
        case ..<180000:
            "SELECT wal_records, wal_fpi, wal_bytes::float8 AS wal_bytes, wal_buffers_full, wal_write, wal_sync, wal_write_time, wal_sync_time FROM pg_stat_wal"
        default: "SELECT wal_records, wal_fpi, wal_bytes::float8 AS wal_bytes, wal_buffers_full FROM pg_stat_wal"
        }
    }

    package static let metrics: [ColumnMetric] = [
        ColumnMetric(
            column: "lsn_bytes", name: positionName, help: "Current WAL position (written on a primary, replayed on a standby), in bytes.",
            type: .gauge),
        ColumnMetric(column: "archived_count", name: "pg_stat_archiver_archived_total", help: "WAL files archived.", type: .counter),
        ColumnMetric(column: "failed_count", name: "pg_stat_archiver_failed_total", help: "Failed attempts to archive WAL files.", type: .counter),
        ColumnMetric(
            column: "last_archived_age", name: "pg_stat_archiver_last_archived_age_seconds", help: "Seconds since a WAL file was last archived.",
            type: .gauge),
        ColumnMetric(
            column: "last_failed_age", name: "pg_stat_archiver_last_failed_age_seconds", help: "Seconds since archiving last failed.", type: .gauge),
        ColumnMetric(column: "wal_records", name: "pg_stat_wal_records_total", help: "WAL records generated.", type: .counter),
        ColumnMetric(column: "wal_fpi", name: "pg_stat_wal_fpi_total", help: "WAL full page images generated.", type: .counter),
        ColumnMetric(column: "wal_bytes", name: "pg_stat_wal_bytes_total", help: "WAL generated, in bytes.", type: .counter),
        ColumnMetric(
            column: "wal_buffers_full", name: "pg_stat_wal_buffers_full_total", help: "Times WAL was written because WAL buffers were full.",
            type: .counter),
        ColumnMetric(column: "wal_write", name: "pg_stat_wal_write_total", help: "WAL buffer writes (until PostgreSQL 17).", type: .counter),
        ColumnMetric(column: "wal_sync", name: "pg_stat_wal_sync_total", help: "WAL file syncs (until PostgreSQL 17).", type: .counter),
        ColumnMetric(
            column: "wal_write_time", name: "pg_stat_wal_write_time_seconds_total", help: "Time writing WAL (track_wal_io_timing; until 17).",
            type: .counter, scale: 0.001),
        ColumnMetric(
            column: "wal_sync_time", name: "pg_stat_wal_sync_time_seconds_total", help: "Time syncing WAL (track_wal_io_timing; until 17).",
            type: .counter, scale: 0.001),
    ]

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        var rows = try await session.query(Self.query(inRecovery: server.isInRecovery)).rows
        if let statsQuery = Self.statsQuery(versionNumber: server.versionNumber) {
            rows += try await session.query(statsQuery).rows
        }
        return try Self.families(rows: rows)
    }

    /// Turns the rows of both queries into families.
    package static func families(rows: [Row]) throws -> [MetricFamily] {
        try ColumnMetric.families(metrics, rows: rows) { _ in [] }.filter { !$0.samples.isEmpty }
    }

    package func derive(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] {
        let points = await history.points(name: Self.positionName, labels: [], window: window, now: now)
        guard let rate = WindowFunction.rate.apply(to: points) else { return [] }
        return [
            MetricFamily(
                name: "pg_wal_generation_bytes_per_second", help: "WAL generated per second over the window (from the WAL position).",
                type: .gauge, samples: [Sample(value: rate)])
        ]
    }
}
