// Per-database activity counters from pg_stat_database: transactions, tuples, temp files, deadlocks, sessions.
import Postgres
import Store

/// Reports `pg_stat_database` counters per database (block hits and reads are the cache_hit_ratio
/// collector's), the session statistics of PostgreSQL 14+, and each database's connection limit.
struct DatabaseStatsCollector: Collector {
    package let name = "database"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 130000

    /// The query for a server of `versionNumber`: session statistics exist from 14 on.
    package static func query(versionNumber: Int) -> String {
        let sessions =
            versionNumber >= 140000
            ? """
            , s.session_time, s.active_time, s.idle_in_transaction_time, s.sessions, s.sessions_abandoned,
              s.sessions_fatal, s.sessions_killed
            """ : ""
        return """
            SELECT s.datname, s.xact_commit, s.xact_rollback, s.tup_returned, s.tup_fetched, s.tup_inserted, s.tup_updated,
                   s.tup_deleted, s.temp_files, s.temp_bytes, s.deadlocks, s.conflicts, s.blk_read_time, s.blk_write_time,
                   d.datconnlimit\(sessions)
            FROM pg_stat_database s JOIN pg_database d ON d.oid = s.datid
            """
    }

    /// Every exported column; those of a newer version are skipped on older servers.
    package static let metrics: [ColumnMetric] = {
        let prefix = "pg_stat_database_"
        func counter(_ column: String, _ help: String, scale: Double = 1, unit: String = "") -> ColumnMetric {
            ColumnMetric(column: column, name: prefix + column + unit + "_total", help: help, type: .counter, scale: scale)
        }
        return [
            counter("xact_commit", "Transactions committed."),
            counter("xact_rollback", "Transactions rolled back."),
            counter("tup_returned", "Rows returned by sequential scans and index entries returned by index scans."),
            counter("tup_fetched", "Live rows fetched by index scans."),
            counter("tup_inserted", "Rows inserted."),
            counter("tup_updated", "Rows updated."),
            counter("tup_deleted", "Rows deleted."),
            counter("temp_files", "Temporary files created by queries."),
            ColumnMetric(column: "temp_bytes", name: prefix + "temp_bytes_total", help: "Data written to temporary files.", type: .counter),
            counter("deadlocks", "Deadlocks detected."),
            counter("conflicts", "Queries cancelled by recovery conflicts (standby)."),
            counter("blk_read_time", "Time spent reading data file blocks (needs track_io_timing).", scale: 0.001, unit: "_seconds"),
            counter("blk_write_time", "Time spent writing data file blocks (needs track_io_timing).", scale: 0.001, unit: "_seconds"),
            counter("session_time", "Time spent by sessions.", scale: 0.001, unit: "_seconds"),
            counter("active_time", "Time spent executing statements.", scale: 0.001, unit: "_seconds"),
            counter("idle_in_transaction_time", "Time spent idle in a transaction.", scale: 0.001, unit: "_seconds"),
            counter("sessions", "Sessions established."),
            counter("sessions_abandoned", "Sessions ended because the client disconnected."),
            counter("sessions_fatal", "Sessions ended by fatal errors."),
            counter("sessions_killed", "Sessions ended by operator intervention."),
            ColumnMetric(
                column: "datconnlimit", name: "pg_database_connection_limit", help: "The database's CONNECTION LIMIT (-1: none).", type: .gauge),
        ]
    }()

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        try Self.families(rows: try await session.query(Self.query(versionNumber: server.versionNumber)).rows)
    }

    /// Turns `pg_stat_database` rows into families (the shared-objects row, datname NULL, skipped).
    package static func families(rows: [Row]) throws -> [MetricFamily] {
        let databases = try rows.filter { try $0.string("datname") != nil }
        return try ColumnMetric.families(metrics, rows: databases) { [Label("datname", try $0.string("datname") ?? "")] }
            .filter { !$0.samples.isEmpty }
    }
}
