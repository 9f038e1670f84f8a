// PgBouncer pools and traffic from its admin console: SHOW POOLS and SHOW STATS.
import Postgres
import Store

/// Reports a PgBouncer's pools (clients active and waiting, server connections active, idle and
/// used, the longest client wait) and per-database traffic counters, under the names of the
/// community pgbouncer_exporter so its dashboards work.
struct PgBouncerCollector: Collector {
    package let name = "pgbouncer"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 0

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let pools = try await session.query("SHOW POOLS").rows
        let stats = try await session.query("SHOW STATS").rows
        return try Self.families(poolRows: pools, statsRows: stats)
    }

    /// Turns SHOW POOLS and SHOW STATS rows into families (times in microseconds become seconds).
    package static func families(poolRows: [Row], statsRows: [Row]) throws -> [MetricFamily] {
        let pool = "pgbouncer_pools_"
        var families = try ColumnMetric.families(
            [
                ColumnMetric(
                    column: "cl_active", name: pool + "client_active_connections", help: "Clients linked to a server connection or idle.",
                    type: .gauge),
                ColumnMetric(
                    column: "cl_waiting", name: pool + "client_waiting_connections", help: "Clients waiting for a server connection.", type: .gauge),
                ColumnMetric(
                    column: "sv_active", name: pool + "server_active_connections", help: "Server connections linked to a client.", type: .gauge),
                ColumnMetric(column: "sv_idle", name: pool + "server_idle_connections", help: "Server connections idle and ready.", type: .gauge),
                ColumnMetric(
                    column: "sv_used", name: pool + "server_used_connections", help: "Server connections idle too long, to be checked.", type: .gauge),
            ], rows: poolRows
        ) { [Label("database", try $0.string("database") ?? ""), Label("user", try $0.string("user") ?? "")] }
        var maxWait = MetricFamily(name: pool + "client_maxwait_seconds", help: "How long the oldest waiting client has waited.", type: .gauge)
        for row in poolRows {
            let seconds = (try row.double("maxwait") ?? 0) + (row.has("maxwait_us") ? (try row.double("maxwait_us") ?? 0) / 1_000_000 : 0)
            maxWait.samples.append(
                Sample(labels: [Label("database", try row.string("database") ?? ""), Label("user", try row.string("user") ?? "")], value: seconds))
        }
        families.append(maxWait)
        let stats = "pgbouncer_stats_"
        families += try ColumnMetric.families(
            [
                ColumnMetric(
                    column: "total_xact_count", name: stats + "sql_transactions_pooled_total", help: "SQL transactions pooled.", type: .counter),
                ColumnMetric(column: "total_query_count", name: stats + "queries_pooled_total", help: "SQL queries pooled.", type: .counter),
                ColumnMetric(column: "total_received", name: stats + "received_bytes_total", help: "Bytes received from clients.", type: .counter),
                ColumnMetric(column: "total_sent", name: stats + "sent_bytes_total", help: "Bytes sent to clients.", type: .counter),
                ColumnMetric(
                    column: "total_xact_time", name: stats + "sql_transactions_duration_seconds_total", help: "Time spent in transactions.",
                    type: .counter, scale: 1e-6),
                ColumnMetric(
                    column: "total_query_time", name: stats + "queries_duration_seconds_total", help: "Time spent in queries.", type: .counter,
                    scale: 1e-6),
                ColumnMetric(
                    column: "total_wait_time", name: stats + "client_wait_seconds_total", help: "Time clients spent waiting for a server.",
                    type: .counter, scale: 1e-6),
            ], rows: statsRows
        ) { [Label("database", try $0.string("database") ?? "")] }
        return families
    }
}
