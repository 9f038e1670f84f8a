// Locks: counts by database and mode, the longest wait, and who blocks how many.
import Postgres
import Store

/// Reports `pg_locks` counts by database and mode, the longest current lock wait (PostgreSQL 14+,
/// from `waitstart`), and per database how many sessions are root blockers (block others, wait
/// on nothing) and the most sessions one of them holds up. Blockers are counted, never named by pid: pids are unbounded label values.
struct LocksCollector: Collector {
    package let name = "locks"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 130000

    /// Locks by database (empty for cluster-wide objects) and mode.
    static let countQuery = """
        SELECT coalesce(d.datname, '') AS datname, l.mode, count(*)::float8 AS locks
        FROM pg_locks l LEFT JOIN pg_database d ON d.oid = l.database
        GROUP BY 1, 2
        """

    /// The longest wait for a lock per database; `waitstart` exists from 14 on. (A wait that began
    /// after this statement's `now()` would be negative: ages are clamped at 0 throughout.)
    static func waitQuery(versionNumber: Int) -> String? {
        guard versionNumber >= 140000 else { return nil }
        return """
            SELECT coalesce(d.datname, '') AS datname, greatest(0, max(extract(epoch FROM now() - l.waitstart)))::float8 AS max_wait
            FROM pg_locks l LEFT JOIN pg_database d ON d.oid = l.database
            WHERE NOT l.granted AND l.waitstart IS NOT NULL
            GROUP BY 1
            """
    }

    /// Per database of the waiting sessions: the root blockers (sessions that block others and do
    /// not wait themselves: the ones to look at), and the most sessions one of them holds up.
    /// `pg_blocking_pids` also names waiters queued ahead; those are not roots.
    static let blockingQuery = """
        WITH waits AS (
            SELECT a.datname, a.pid, unnest(pg_blocking_pids(a.pid)) AS blocker
            FROM pg_stat_activity a WHERE a.wait_event_type = 'Lock'
        ), per_blocker AS (
            SELECT datname, blocker, count(DISTINCT pid) AS blocked FROM waits
            WHERE blocker NOT IN (SELECT pid FROM waits)
            GROUP BY datname, blocker
        )
        SELECT coalesce(datname, '') AS datname, count(*)::float8 AS blockers, max(blocked)::float8 AS max_blocked
        FROM per_blocker GROUP BY 1
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let counts = try await session.query(Self.countQuery).rows
        var waits: [Row] = []
        if let waitQuery = Self.waitQuery(versionNumber: server.versionNumber) { waits = try await session.query(waitQuery).rows }
        let blocking = try await session.query(Self.blockingQuery).rows
        return try Self.families(countRows: counts, waitRows: waits, blockingRows: blocking)
    }

    /// Turns the rows of the three queries into families.
    package static func families(countRows: [Row], waitRows: [Row], blockingRows: [Row]) throws -> [MetricFamily] {
        var count = MetricFamily(name: "pg_locks_count", help: "Locks held or awaited, by database and mode.", type: .gauge)
        for row in countRows {
            count.samples.append(
                Sample(
                    labels: [Label("datname", try row.string("datname") ?? ""), Label("mode", try row.string("mode") ?? "")],
                    value: try row.double("locks") ?? 0))
        }
        let byDatabase = { (row: Row) throws -> [Label] in [Label("datname", try row.string("datname") ?? "")] }
        let wait = try ColumnMetric.families(
            [
                ColumnMetric(column: "max_wait", name: "pg_locks_max_wait_seconds", help: "The longest current wait for a lock.", type: .gauge)
            ], rows: waitRows, labels: byDatabase)
        let blocking = try ColumnMetric.families(
            [
                ColumnMetric(
                    column: "blockers", name: "pg_locks_blocking_sessions",
                    help: "Root blockers: sessions others wait for that wait on no lock themselves.", type: .gauge),
                ColumnMetric(
                    column: "max_blocked", name: "pg_locks_max_sessions_blocked_by_one",
                    help: "The most sessions waiting on one blocking session.", type: .gauge),
            ], rows: blockingRows, labels: byDatabase)
        return [count] + wait + blocking
    }
}
