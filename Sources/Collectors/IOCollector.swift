// The server's I/O from pg_stat_io (PostgreSQL 16+): by backend type, object and context.
import Postgres
import Store

/// Reports `pg_stat_io`: reads, writes, extends, hits, evictions, reuses, fsyncs and their bytes
/// and times, by `backend_type`, `object` (relation, temp relation; on 18 also wal) and
/// `context` (normal, vacuum, bulkread, bulkwrite; on 18 also init). Only combinations that have
/// done I/O since the statistics were reset are served (the view has a row for each one that
/// could: most of them stay zero). Bytes are the operations times `op_bytes` on 16 and 17 and
/// the view's own byte columns on 18; times need `track_io_timing` (and `track_wal_io_timing`
/// for WAL on 18), else they stay 0.
struct IOCollector: Collector {
    package let name = "io"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 160000

    /// The query for a server of `versionNumber`, with 18's byte column names.
    package static func query(versionNumber: Int) -> String {
        let bytes =
            versionNumber >= 180000
            ? "read_bytes::float8 AS read_bytes, write_bytes::float8 AS write_bytes, extend_bytes::float8 AS extend_bytes"
            : "(reads * op_bytes)::float8 AS read_bytes, (writes * op_bytes)::float8 AS write_bytes, (extends * op_bytes)::float8 AS extend_bytes"
        return """
            SELECT backend_type, object, context, reads, read_time, writes, write_time, writebacks, extends, hits, evictions, reuses,
                   fsyncs, fsync_time, \(bytes)
            FROM pg_stat_io
            WHERE coalesce(reads, 0) + coalesce(writes, 0) + coalesce(writebacks, 0) + coalesce(extends, 0) + coalesce(hits, 0)
                  + coalesce(evictions, 0) + coalesce(reuses, 0) + coalesce(fsyncs, 0) > 0
            ORDER BY 1, 2, 3
            """
    }

    /// Every exported column; a NULL (an operation the combination never does) is left out.
    package static let metrics: [ColumnMetric] = [
        ColumnMetric(column: "reads", name: "pg_stat_io_reads_total", help: "Read operations.", type: .counter),
        ColumnMetric(column: "read_bytes", name: "pg_stat_io_read_bytes_total", help: "Bytes read.", type: .counter),
        ColumnMetric(
            column: "read_time", name: "pg_stat_io_read_time_seconds_total", help: "Time reading (track_io_timing).", type: .counter,
            scale: 0.001),
        ColumnMetric(column: "writes", name: "pg_stat_io_writes_total", help: "Write operations.", type: .counter),
        ColumnMetric(column: "write_bytes", name: "pg_stat_io_write_bytes_total", help: "Bytes written.", type: .counter),
        ColumnMetric(
            column: "write_time", name: "pg_stat_io_write_time_seconds_total", help: "Time writing (track_io_timing).", type: .counter,
            scale: 0.001),
        ColumnMetric(
            column: "writebacks", name: "pg_stat_io_writebacks_total", help: "Requests to the kernel to write data out to storage.",
            type: .counter),
        ColumnMetric(column: "extends", name: "pg_stat_io_extends_total", help: "Relation extend operations.", type: .counter),
        ColumnMetric(column: "extend_bytes", name: "pg_stat_io_extend_bytes_total", help: "Bytes added by extends.", type: .counter),
        ColumnMetric(column: "hits", name: "pg_stat_io_hits_total", help: "Blocks found in shared buffers.", type: .counter),
        ColumnMetric(
            column: "evictions", name: "pg_stat_io_evictions_total", help: "Blocks evicted from a buffer to make room for another.",
            type: .counter),
        ColumnMetric(
            column: "reuses", name: "pg_stat_io_reuses_total", help: "Ring buffers reused (bulk reads and writes, vacuum).", type: .counter),
        ColumnMetric(column: "fsyncs", name: "pg_stat_io_fsyncs_total", help: "fsync calls made by the backend type itself.", type: .counter),
        ColumnMetric(
            column: "fsync_time", name: "pg_stat_io_fsync_time_seconds_total", help: "Time in fsync (track_io_timing).", type: .counter,
            scale: 0.001),
    ]

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        try Self.families(rows: try await session.query(Self.query(versionNumber: server.versionNumber)).rows)
    }

    /// Turns the rows into families labelled `backend_type`, `object` and `context`.
    package static func families(rows: [Row]) throws -> [MetricFamily] {
        try ColumnMetric.families(metrics, rows: rows) { row in
            [
                Label("backend_type", try row.string("backend_type") ?? ""), Label("object", try row.string("object") ?? ""),
                Label("context", try row.string("context") ?? ""),
            ]
        }.filter { !$0.samples.isEmpty }
    }
}
