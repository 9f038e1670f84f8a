// The statements that cost the most, from pg_stat_statements (off by default; needs the extension).
import Exposition
import Postgres
import Store

/// Reports the `limit` statements with the most total execution time from `pg_stat_statements`
/// (summed over `toplevel`), per `datname`, `usename` and `queryid`: calls, execution time, rows,
/// shared block hits and reads; the rest summed. The query text is never a label: it goes to the
/// `StatementTextCatalog` behind `/api/v1/statements`, cut at `maxQueryCharacters`, with the literal
/// after `PASSWORD` masked (utility statements such as `ALTER ROLE … PASSWORD '…'` are not normalised).
/// The extension must be in `shared_preload_libraries` and created in the target's database;
/// without it the collector fails with PostgreSQL's reason, logged once.
package struct StatementsCollector: Collector {
    package let name = "statements"
    package let defaultInterval: Duration? = .seconds(60)
    package let minimumServerVersion = 130000
    /// How many statements are reported individually.
    package let limit: Int
    /// Where the reported statements' texts go.
    package let texts: StatementTextCatalog
    /// The target whose texts this collector reports.
    package let target: String
    /// The longest query text kept, in characters.
    package static let maxQueryCharacters = 4096

    /// Creates the collector reporting the `limit` most expensive statements of `target`.
    package init(limit: Int = 50, texts: StatementTextCatalog = StatementTextCatalog(), target: String = "") {
        self.limit = limit
        self.texts = texts
        self.target = target
    }

    /// The top `$1` statements by total execution time, and one row (queryid NULL) summing the rest.
    package static let query = """
        WITH s AS (
            SELECT dbid, userid, queryid, min(query) AS query, sum(calls)::float8 AS calls, sum(total_exec_time)::float8 AS exec_time,
                   sum(rows)::float8 AS rows, sum(shared_blks_hit)::float8 AS blks_hit, sum(shared_blks_read)::float8 AS blks_read
            FROM pg_stat_statements GROUP BY dbid, userid, queryid
        ), ranked AS (
            SELECT s.*, row_number() OVER (ORDER BY exec_time DESC, queryid) AS rank FROM s
        )
        SELECT d.datname, r.rolname AS usename, ranked.queryid::text AS queryid, calls, exec_time, rows, blks_hit, blks_read,
               left(regexp_replace(query, '(password\\s+)(E?''([^'']|'''')*'')', '\\1''***''', 'gi'), \(maxQueryCharacters)) AS query
        FROM ranked JOIN pg_database d ON d.oid = ranked.dbid JOIN pg_roles r ON r.oid = ranked.userid
        WHERE rank <= $1
        UNION ALL
        SELECT NULL, NULL, NULL, coalesce(sum(calls), 0), coalesce(sum(exec_time), 0), NULL, NULL, NULL, NULL FROM ranked WHERE rank > $1
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        do {
            let rows = try await session.query(Self.query, [String(limit)]).rows
            texts.update(target: target, statements: try StatementText.entries(rows: rows))
            return try Self.families(rows: rows)
        } catch {
            texts.clear(target: target)
            throw error
        }
    }

    /// Turns the rows into families.
    package static func families(rows: [Row]) throws -> [MetricFamily] {
        let prefix = "pg_stat_statements_"
        let listed = try rows.filter { try $0.string("queryid") != nil }
        let rest = try rows.filter { try $0.string("queryid") == nil }
        let perStatement = try ColumnMetric.families(
            [
                ColumnMetric(column: "calls", name: prefix + "calls_total", help: "Times the statement was executed.", type: .counter),
                ColumnMetric(
                    column: "exec_time", name: prefix + "exec_time_seconds_total", help: "Time spent executing the statement.", type: .counter,
                    scale: 0.001),
                ColumnMetric(column: "rows", name: prefix + "rows_total", help: "Rows retrieved or affected.", type: .counter),
                ColumnMetric(column: "blks_hit", name: prefix + "shared_blks_hit_total", help: "Shared block cache hits.", type: .counter),
                ColumnMetric(column: "blks_read", name: prefix + "shared_blks_read_total", help: "Shared blocks read.", type: .counter),
            ], rows: listed
        ) {
            [
                Label("datname", try $0.string("datname") ?? ""), Label("usename", try $0.string("usename") ?? ""),
                Label("queryid", try $0.string("queryid") ?? ""),
            ]
        }
        let others = try ColumnMetric.families(
            [
                ColumnMetric(
                    column: "calls", name: prefix + "other_calls_total", help: "Calls of the statements beyond the reported limit, summed.",
                    type: .counter),
                ColumnMetric(
                    column: "exec_time", name: prefix + "other_exec_time_seconds_total",
                    help: "Execution time of the statements beyond the reported limit, summed.", type: .counter, scale: 0.001),
            ], rows: rest
        ) { _ in [] }
        return perStatement + others
    }
}
