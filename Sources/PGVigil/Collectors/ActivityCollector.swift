// Sessions from pg_stat_activity: counts by state, oldest transaction, longest query, blocked sessions.

/// Reports client sessions from `pg_stat_activity` (the agent's own session excluded) and
/// `max_connections`.
struct ActivityCollector: Collector {
    let name = "activity"
    let defaultInterval: Duration? = nil
    let minimumServerVersion = 130000

    /// Sessions counted by database, user, state and wait event type.
    static let countQuery = """
        SELECT coalesce(datname, '') AS datname, coalesce(usename, '') AS usename,
               coalesce(state, 'unknown') AS state, coalesce(wait_event_type, '') AS wait_event_type,
               count(*)::float8 AS sessions
        FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
        GROUP BY 1, 2, 3, 4
        """

    /// Per database: oldest open transaction, longest active query, longest idle in transaction,
    /// sessions waiting on a lock held by another.
    static let durationQuery = """
        SELECT datname,
               greatest(0, coalesce(max(extract(epoch FROM now() - xact_start)), 0))::float8 AS max_tx_duration,
               greatest(0, coalesce(max(extract(epoch FROM now() - query_start)) FILTER (WHERE state = 'active'), 0))::float8 AS max_query_duration,
               greatest(0, coalesce(max(extract(epoch FROM now() - state_change))
                        FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')), 0))::float8 AS max_idle_in_transaction,
               (count(*) FILTER (WHERE cardinality(pg_blocking_pids(pid)) > 0))::float8 AS blocked
        FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname IS NOT NULL
        GROUP BY datname
        """

    /// The connection limit.
    static let settingsQuery = "SELECT current_setting('max_connections')::float8 AS max_connections"

    func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let counts = try await session.query(Self.countQuery)
        let durations = try await session.query(Self.durationQuery)
        let settings = try await session.query(Self.settingsQuery)
        return try Self.families(countRows: counts.rows, durationRows: durations.rows, settingsRows: settings.rows)
    }

    /// Turns the rows of the three queries into families.
    static func families(countRows: [Row], durationRows: [Row], settingsRows: [Row]) throws -> [MetricFamily] {
        var count = MetricFamily(
            name: "pg_stat_activity_count", help: "Client sessions by database, user, state and wait event type.", type: .gauge)
        for row in countRows {
            count.samples.append(Sample(labels: [
                Label("datname", try row.string("datname") ?? ""),
                Label("usename", try row.string("usename") ?? ""),
                Label("state", try row.string("state") ?? "unknown"),
                Label("wait_event_type", try row.string("wait_event_type") ?? ""),
            ], value: try row.double("sessions") ?? 0))
        }
        let perDatabase: [(column: String, family: MetricFamily)] = [
            ("max_tx_duration", MetricFamily(
                name: "pg_stat_activity_max_tx_duration_seconds", help: "Age of the oldest open transaction.", type: .gauge)),
            ("max_query_duration", MetricFamily(
                name: "pg_stat_activity_max_query_duration_seconds", help: "Run time of the longest running active query.", type: .gauge)),
            ("max_idle_in_transaction", MetricFamily(
                name: "pg_stat_activity_max_idle_in_transaction_seconds",
                help: "Longest time a session has been idle inside an open transaction.", type: .gauge)),
            ("blocked", MetricFamily(
                name: "pg_stat_activity_blocked_count", help: "Sessions waiting on a lock held by another session.", type: .gauge)),
        ]
        var families = [count]
        for (column, family) in perDatabase {
            var filled = family
            for row in durationRows {
                guard let datname = try row.string("datname"), let value = try row.double(column) else { continue }
                filled.samples.append(Sample(labels: [Label("datname", datname)], value: value))
            }
            families.append(filled)
        }
        if let maxConnections = try settingsRows.first?.double("max_connections") {
            families.append(MetricFamily(
                name: "pg_settings_max_connections", help: "The server's max_connections setting.", type: .gauge,
                samples: [Sample(value: maxConnections)]))
            if maxConnections > 0 {
                let sessions = count.samples.reduce(0) { $0 + $1.value }
                families.append(MetricFamily(
                    name: "pg_connections_used_ratio", help: "Client sessions divided by max_connections (0…1).", type: .gauge,
                    samples: [Sample(value: sessions / maxConnections)]))
            }
        }
        return families
    }
}
