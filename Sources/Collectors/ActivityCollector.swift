// Sessions from pg_stat_activity: counts by state, oldest transaction, longest query, blocked sessions.
import Postgres
import Store

/// Reports client sessions from `pg_stat_activity` and `max_connections`. The agent's own sessions
/// (its main session and the per-database ones, known by their backend PIDs) are left out of
/// the activity families, so they never show as the users' load, and reported on their own as
/// `pgvigil_sessions`; `pg_connections_used_ratio` counts them, since they take connection slots too.
struct ActivityCollector: Collector {
    package let name = "activity"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 130000

    /// Sessions counted by database, user, state and wait event type, and whether they are the
    /// agent's own (their PIDs are `$1`, an array).
    static let countQuery = """
        SELECT coalesce(datname, '') AS datname, coalesce(usename, '') AS usename,
               coalesce(state, 'unknown') AS state, coalesce(wait_event_type, '') AS wait_event_type,
               pid = ANY($1::int[]) AS own, count(*)::float8 AS sessions
        FROM pg_stat_activity
        WHERE backend_type = 'client backend'
        GROUP BY 1, 2, 3, 4, 5
        """

    /// The ages, in seconds, from which open transactions are counted (`older_than_seconds`).
    static let longTransactionThresholds = [60, 300, 600, 1800]

    /// Per database: oldest open transaction, longest active query, longest idle in transaction,
    /// sessions waiting on a lock held by another, transactions older than each threshold.
    static let durationQuery = """
        SELECT datname,\(longTransactionThresholds.map { """

               (count(*) FILTER (WHERE xact_start < now() - interval '\($0) seconds'))::float8 AS older_than_\($0),
        """ }.joined())
               greatest(0, coalesce(max(extract(epoch FROM now() - xact_start)), 0))::float8 AS max_tx_duration,
               greatest(0, coalesce(max(extract(epoch FROM now() - query_start)) FILTER (WHERE state = 'active'), 0))::float8 AS max_query_duration,
               greatest(0, coalesce(max(extract(epoch FROM now() - state_change))
                        FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)')), 0))::float8 AS max_idle_in_transaction,
               (count(*) FILTER (WHERE cardinality(pg_blocking_pids(pid)) > 0))::float8 AS blocked
        FROM pg_stat_activity
        WHERE backend_type = 'client backend' AND pid <> ALL($1::int[]) AND datname IS NOT NULL
        GROUP BY datname
        """

    /// The connection limit.
    static let settingsQuery = "SELECT current_setting('max_connections')::float8 AS max_connections"

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        // The main session is connected by now (the cycle's server check ran on it).
        let own = "{" + (await session.backendPIDs()).map(String.init).joined(separator: ",") + "}"
        let counts = try await session.query(Self.countQuery, [own])
        let durations = try await session.query(Self.durationQuery, [own])
        let settings = try await session.query(Self.settingsQuery)
        return try Self.families(countRows: counts.rows, durationRows: durations.rows, settingsRows: settings.rows)
    }

    /// Turns the rows of the three queries into families.
    package static func families(countRows: [Row], durationRows: [Row], settingsRows: [Row]) throws -> [MetricFamily] {
        var count = MetricFamily(
            name: "pg_stat_activity_count", help: "Client sessions by database, user, state and wait event type (pgvigil's own left out).",
            type: .gauge)
        var ownByDatabase: [String: Double] = [:]
        for row in countRows {
            if try row.bool("own") == true {
                ownByDatabase[try row.string("datname") ?? "", default: 0] += try row.double("sessions") ?? 0
                continue
            }
            count.samples.append(
                Sample(
                    labels: [
                        Label("datname", try row.string("datname") ?? ""),
                        Label("usename", try row.string("usename") ?? ""),
                        Label("state", try row.string("state") ?? "unknown"),
                        Label("wait_event_type", try row.string("wait_event_type") ?? ""),
                    ], value: try row.double("sessions") ?? 0))
        }
        let perDatabase: [(column: String, family: MetricFamily)] = [
            (
                "max_tx_duration",
                MetricFamily(
                    name: "pg_stat_activity_max_tx_duration_seconds", help: "Age of the oldest open transaction.", type: .gauge)
            ),
            (
                "max_query_duration",
                MetricFamily(
                    name: "pg_stat_activity_max_query_duration_seconds", help: "Run time of the longest running active query.", type: .gauge)
            ),
            (
                "max_idle_in_transaction",
                MetricFamily(
                    name: "pg_stat_activity_max_idle_in_transaction_seconds",
                    help: "Longest time a session has been idle inside an open transaction.", type: .gauge)
            ),
            (
                "blocked",
                MetricFamily(
                    name: "pg_stat_activity_blocked_count", help: "Sessions waiting on a lock held by another session.", type: .gauge)
            ),
        ]
        let own = MetricFamily(
            name: "pgvigil_sessions", help: "pgvigil's own sessions to the server, by database.", type: .gauge,
            samples: ownByDatabase.sorted { $0.key < $1.key }.map { Sample(labels: [Label("datname", $0.key)], value: $0.value) })
        var families = [count, own]
        for (column, family) in perDatabase {
            var filled = family
            for row in durationRows {
                guard let datname = try row.string("datname"), let value = try row.double(column) else { continue }
                filled.samples.append(Sample(labels: [Label("datname", datname)], value: value))
            }
            families.append(filled)
        }
        var long = MetricFamily(
            name: "pg_stat_activity_long_transactions",
            help: "Open transactions of client sessions older than older_than_seconds (autovacuum and pgvigil's own left out).", type: .gauge)
        for row in durationRows {
            guard let datname = try row.string("datname") else { continue }
            for threshold in longTransactionThresholds {
                guard let value = try row.double("older_than_\(threshold)") else { continue }
                long.samples.append(Sample(labels: [Label("datname", datname), Label("older_than_seconds", String(threshold))], value: value))
            }
        }
        families.append(long)
        if let maxConnections = try settingsRows.first?.double("max_connections") {
            families.append(
                MetricFamily(
                    name: "pg_settings_max_connections", help: "The server's max_connections setting.", type: .gauge,
                    samples: [Sample(value: maxConnections)]))
            if maxConnections > 0 {
                let sessions = (count.samples + own.samples).reduce(0) { $0 + $1.value }
                families.append(
                    MetricFamily(
                        name: "pg_connections_used_ratio", help: "Client sessions (pgvigil's own included) divided by max_connections (0…1).",
                        type: .gauge,
                        samples: [Sample(value: sessions / maxConnections)]))
            }
        }
        return families
    }
}
