// Checkpoints and background writes, under the same names before and after PostgreSQL 17 split them.
import Postgres
import Store

/// Reports checkpoint counts, times and buffers, and the background writer's work. PostgreSQL 17
/// moved the checkpoint columns from `pg_stat_bgwriter` to `pg_stat_checkpointer` (and renamed
/// them); pgvigil reads whichever the server has and exports them under one set of names, so
/// dashboards and alerts keep working across the upgrade.
struct CheckpointerCollector: Collector {
    package let name = "checkpointer"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 130000

    /// The query for a server of `versionNumber`, with columns named as 17's `pg_stat_checkpointer`.
    package static func query(versionNumber: Int) -> String {
        if versionNumber >= 170000 {
            return """
                SELECT c.num_timed, c.num_requested, c.write_time, c.sync_time, c.buffers_written,
                       b.buffers_clean, b.maxwritten_clean, b.buffers_alloc
                FROM pg_stat_checkpointer c CROSS JOIN pg_stat_bgwriter b
                """
        }
        return """
            SELECT checkpoints_timed AS num_timed, checkpoints_req AS num_requested, checkpoint_write_time AS write_time,
                   checkpoint_sync_time AS sync_time, buffers_checkpoint AS buffers_written,
                   buffers_clean, maxwritten_clean, buffers_alloc, buffers_backend, buffers_backend_fsync
            FROM pg_stat_bgwriter
            """
    }

    /// Every exported column; `buffers_backend*` exist only before 17.
    package static let metrics: [ColumnMetric] = [
        ColumnMetric(column: "num_timed", name: "pg_stat_checkpointer_num_timed_total", help: "Scheduled checkpoints.", type: .counter),
        ColumnMetric(column: "num_requested", name: "pg_stat_checkpointer_num_requested_total", help: "Requested checkpoints.", type: .counter),
        ColumnMetric(
            column: "write_time", name: "pg_stat_checkpointer_write_time_seconds_total",
            help: "Time spent writing files during checkpoints.", type: .counter, scale: 0.001),
        ColumnMetric(
            column: "sync_time", name: "pg_stat_checkpointer_sync_time_seconds_total",
            help: "Time spent syncing files during checkpoints.", type: .counter, scale: 0.001),
        ColumnMetric(
            column: "buffers_written", name: "pg_stat_checkpointer_buffers_written_total",
            help: "Buffers written during checkpoints.", type: .counter),
        ColumnMetric(
            column: "buffers_clean", name: "pg_stat_bgwriter_buffers_clean_total", help: "Buffers written by the background writer.", type: .counter),
        ColumnMetric(
            column: "maxwritten_clean", name: "pg_stat_bgwriter_maxwritten_clean_total",
            help: "Times the background writer stopped a cleaning scan for writing too many buffers.", type: .counter),
        ColumnMetric(column: "buffers_alloc", name: "pg_stat_bgwriter_buffers_alloc_total", help: "Buffers allocated.", type: .counter),
        ColumnMetric(
            column: "buffers_backend", name: "pg_stat_bgwriter_buffers_backend_total",
            help: "Buffers written directly by backends (before PostgreSQL 17).", type: .counter),
        ColumnMetric(
            column: "buffers_backend_fsync", name: "pg_stat_bgwriter_buffers_backend_fsync_total",
            help: "Times a backend had to fsync itself (before PostgreSQL 17).", type: .counter),
    ]

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        try Self.families(rows: try await session.query(Self.query(versionNumber: server.versionNumber)).rows)
    }

    /// Turns the row into families.
    package static func families(rows: [Row]) throws -> [MetricFamily] {
        try ColumnMetric.families(metrics, rows: rows) { _ in [] }.filter { !$0.samples.isEmpty }
    }
}
