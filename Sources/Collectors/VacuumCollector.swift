// Vacuum: running vacuums by phase, and per database the tables most in need of it.
import Postgres
import Store

/// Reports vacuums in progress (`pg_stat_progress_vacuum`) by database and phase, and per
/// database the `limit` tables with the most dead tuples: their dead tuples, the age of their last
/// (auto)vacuum and (auto)analyze and their dead tuple ratio, with the rest's dead tuples summed, so
/// the listed tables' dead tuples and the rest's add up to the database's.
struct VacuumCollector: Collector {
    package let name = "vacuum"
    let defaultInterval: Duration? = .seconds(60)
    package let minimumServerVersion = 130000
    /// How many tables per database are reported individually.
    package let limit: Int

    /// Creates the collector reporting the `limit` tables per database with the most dead tuples.
    package init(limit: Int = 50) {
        self.limit = limit
    }

    /// Vacuums running now, by database and phase.
    static let progressQuery = """
        SELECT coalesce(datname, '') AS datname, phase, count(*)::float8 AS vacuums FROM pg_stat_progress_vacuum GROUP BY 1, 2
        """

    /// The top `$1` tables by dead tuples, and one row (schemaname NULL) summing the rest's.
    static let tablesQuery = """
        WITH ranked AS (
            SELECT schemaname, relname, n_live_tup, n_dead_tup,
                   (\(SecondsSince.sql("greatest(last_vacuum, last_autovacuum)")))::float8 AS vacuum_age,
                   (\(SecondsSince.sql("greatest(last_analyze, last_autoanalyze)")))::float8 AS analyze_age,
                   row_number() OVER (ORDER BY n_dead_tup DESC, schemaname, relname) AS rank
            FROM pg_stat_user_tables
        )
        SELECT schemaname, relname, vacuum_age, analyze_age, n_dead_tup::float8 AS n_dead_tup,
               CASE WHEN n_live_tup + n_dead_tup > 0 THEN n_dead_tup::float8 / (n_live_tup + n_dead_tup) END AS dead_ratio,
               NULL::float8 AS other_dead
        FROM ranked WHERE rank <= $1
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, NULL, NULL, coalesce(sum(n_dead_tup), 0)::float8 FROM ranked WHERE rank > $1
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let progress = try await session.query(Self.progressQuery).rows
        let databases = try await session.databasesToVisit()
        let tables = try await session.forEachDatabase(databases.visit) { try await $0.query(Self.tablesQuery, [String(limit)]).rows }
        return try Self.families(progressRows: progress, tables: tables.map { ($0.database, $0.result) })
    }

    /// Turns the progress rows and each database's table rows into families.
    package static func families(progressRows: [Row], tables: [(database: String, rows: [Row])]) throws -> [MetricFamily] {
        let running = try ColumnMetric.families(
            [
                ColumnMetric(column: "vacuums", name: "pg_vacuum_in_progress", help: "Vacuums running now, by database and phase.", type: .gauge)
            ], rows: progressRows
        ) { [Label("datname", try $0.string("datname") ?? ""), Label("phase", try $0.string("phase") ?? "")] }
        let prefix = "pg_stat_user_tables_"
        let perTable = [
            ColumnMetric(
                column: "vacuum_age", name: prefix + "last_vacuum_age_seconds",
                help: "Seconds since the table was last vacuumed (manually or by autovacuum).", type: .gauge),
            ColumnMetric(
                column: "analyze_age", name: prefix + "last_analyze_age_seconds",
                help: "Seconds since the table was last analyzed (manually or by autovacuum).", type: .gauge),
            ColumnMetric(column: "n_dead_tup", name: prefix + "n_dead_tup", help: "Estimated number of dead rows.", type: .gauge),
            ColumnMetric(column: "dead_ratio", name: prefix + "dead_tuple_ratio", help: "Dead tuples / (live + dead) (0…1).", type: .gauge),
        ]
        var families = perTable.map { MetricFamily(name: $0.name, help: $0.help, type: $0.type) }
        var other = MetricFamily(
            name: prefix + "other_n_dead_tup",
            help: "Dead tuples of the tables beyond the reported limit, summed: with n_dead_tup, the database's total.",
            type: .gauge)
        for (database, rows) in tables {
            let listed = try rows.filter { try $0.string("schemaname") != nil }
            let table = try ColumnMetric.families(perTable, rows: listed) {
                [
                    Label("datname", database), Label("schemaname", try $0.string("schemaname") ?? ""),
                    Label("relname", try $0.string("relname") ?? ""),
                ]
            }
            for index in families.indices { families[index].samples += table[index].samples }
            if let rest = try rows.first(where: { try $0.string("schemaname") == nil })?.double("other_dead") {
                other.samples.append(Sample(labels: [Label("datname", database)], value: rest))
            }
        }
        return running + families + [other]
    }
}
