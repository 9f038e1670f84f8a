// Indexes: the largest per database with their scans, unused and invalid ones.
import Postgres
import Store

/// Visits every selected database and reports its `limit` largest indexes (size, scans since the
/// stats reset), the rest's size summed, and per database the unused indexes (no scan since the
/// reset, neither unique nor a primary key, so dropping them loses nothing but their cost) and the
/// invalid ones (a failed `CREATE INDEX CONCURRENTLY` leaves them behind).
struct IndexesCollector: Collector {
    package let name = "indexes"
    let defaultInterval: Duration? = .seconds(300)
    package let minimumServerVersion = 130000
    /// How many indexes per database are reported individually.
    package let limit: Int

    /// Creates the collector reporting the `limit` largest indexes per database.
    package init(limit: Int = 50) {
        self.limit = limit
    }

    /// One row per index among the `$1` largest (`listed`), plus one summary row (schemaname NULL).
    static let indexesQuery = """
        WITH indexes AS (
            SELECT s.schemaname, s.relname, s.indexrelname, s.idx_scan::float8 AS idx_scan,
                   pg_relation_size(s.indexrelid)::float8 AS size_bytes,
                   (s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary) AS unused,
                   NOT i.indisvalid AS invalid,
                   row_number() OVER (ORDER BY pg_relation_size(s.indexrelid) DESC, s.schemaname, s.indexrelname) AS rank
            FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
        )
        SELECT schemaname, relname, indexrelname, idx_scan, size_bytes,
               NULL::float8 AS other_size, NULL::float8 AS unused_count, NULL::float8 AS unused_size, NULL::float8 AS invalid_count
        FROM indexes WHERE rank <= $1
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, NULL,
               coalesce(sum(size_bytes) FILTER (WHERE rank > $1), 0),
               count(*) FILTER (WHERE unused)::float8,
               coalesce(sum(size_bytes) FILTER (WHERE unused), 0),
               count(*) FILTER (WHERE invalid)::float8
        FROM indexes
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let databases = try await session.databasesToVisit()
        let indexes = try await session.forEachDatabase(databases.visit) { try await $0.query(Self.indexesQuery, [String(limit)]).rows }
        return try Self.families(indexes: indexes.map { ($0.database, $0.result) })
    }

    /// Turns each database's index rows into families.
    package static func families(indexes: [(database: String, rows: [Row])]) throws -> [MetricFamily] {
        let perIndex = [
            ColumnMetric(column: "size_bytes", name: "pg_stat_user_indexes_size_bytes", help: "Index size.", type: .gauge),
            ColumnMetric(
                column: "idx_scan", name: "pg_stat_user_indexes_idx_scan_total", help: "Index scans since the statistics reset.", type: .counter),
        ]
        let perDatabase = [
            ColumnMetric(
                column: "other_size", name: "pg_stat_user_indexes_other_size_bytes", help: "Size of the indexes beyond the reported limit, summed.",
                type: .gauge),
            ColumnMetric(
                column: "unused_count", name: "pg_database_unused_indexes",
                help: "Indexes never scanned since the stats reset that are neither unique nor primary keys.", type: .gauge),
            ColumnMetric(column: "unused_size", name: "pg_database_unused_indexes_size_bytes", help: "Size of those unused indexes.", type: .gauge),
            ColumnMetric(
                column: "invalid_count", name: "pg_database_invalid_indexes",
                help: "Invalid indexes (e.g. left by a failed CREATE INDEX CONCURRENTLY).", type: .gauge),
        ]
        var families = (perIndex + perDatabase).map { MetricFamily(name: $0.name, help: $0.help, type: $0.type) }
        for (database, rows) in indexes {
            let listed = try rows.filter { try $0.string("schemaname") != nil }
            let summary = try rows.filter { try $0.string("schemaname") == nil }
            let indexFamilies = try ColumnMetric.families(perIndex, rows: listed) {
                [
                    Label("datname", database), Label("schemaname", try $0.string("schemaname") ?? ""),
                    Label("relname", try $0.string("relname") ?? ""),
                    Label("indexrelname", try $0.string("indexrelname") ?? ""),
                ]
            }
            let databaseFamilies = try ColumnMetric.families(perDatabase, rows: summary) { _ in [Label("datname", database)] }
            for (index, family) in (indexFamilies + databaseFamilies).enumerated() { families[index].samples += family.samples }
        }
        return families
    }
}
