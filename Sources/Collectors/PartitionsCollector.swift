// Partitioned tables: sizes rolled up to the parent, partition counts, and how far ahead range partitions exist.
import Postgres
import Store

/// Visits every selected database and reports, per partitioned table (the `limit` largest; the
/// rest's size summed): the total size of its partitions, their number, and for tables range
/// partitioned on one date or timestamp column, how far into the future the partitions reach
/// (the highest upper bound minus now; negative when the current period has no partition yet,
/// which is what an alert on "next month's partition is missing" watches).
struct PartitionsCollector: Collector {
    package let name = "partitions"
    let defaultInterval: Duration? = .seconds(300)
    package let minimumServerVersion = 130000
    /// How many partitioned tables per database are reported individually.
    package let limit: Int

    /// Creates the collector reporting the `limit` largest partitioned tables per database.
    package init(limit: Int = 50) {
        self.limit = limit
    }

    /// Per top-level partitioned table; coverage only for one-column date/timestamp range keys,
    /// from the first level's bounds (`FOR VALUES FROM (...) TO ('...')`); MAXVALUE or DEFAULT
    /// partitions have no dated upper bound and are ignored.
    package static let query = """
        WITH parents AS (
            SELECT c.oid, n.nspname AS schemaname, c.relname, pt.partstrat, pt.partnatts,
                   (SELECT a.atttypid FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = pt.partattrs[0]) AS keytype
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
            WHERE c.relkind = 'p' AND NOT c.relispartition
        ), tree AS (
            SELECT p.oid AS parent, t.relid, t.isleaf, t.level FROM parents p, pg_partition_tree(p.oid) t WHERE t.level > 0
        ), measured AS (
            SELECT p.schemaname, p.relname,
                   (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0) FROM tree t WHERE t.parent = p.oid AND t.isleaf)::float8 AS size_bytes,
                   (SELECT count(*) FROM tree t WHERE t.parent = p.oid AND t.isleaf)::float8 AS partitions,
                   CASE WHEN p.partstrat = 'r' AND p.partnatts = 1
                             AND p.keytype IN ('date'::regtype, 'timestamp'::regtype, 'timestamptz'::regtype) THEN
                       (SELECT extract(epoch FROM max(substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz) - now())
                        FROM tree t JOIN pg_class c ON c.oid = t.relid WHERE t.parent = p.oid AND t.level = 1)
                   END::float8 AS future_coverage
            FROM parents p
        ), ranked AS (
            SELECT *, row_number() OVER (ORDER BY size_bytes DESC, schemaname, relname) AS rank FROM measured
        )
        SELECT schemaname, relname, size_bytes, partitions, future_coverage FROM ranked WHERE rank <= $1
        UNION ALL
        SELECT NULL, NULL, coalesce(sum(size_bytes), 0), NULL, NULL FROM ranked WHERE rank > $1
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let databases = try await session.databasesToVisit()
        let tables = try await session.forEachDatabase(databases.visit) { try await $0.query(Self.query, [String(limit)]).rows }
        return try Self.families(tables: tables.map { ($0.database, $0.result) })
    }

    /// Turns each database's rows into families.
    package static func families(tables: [(database: String, rows: [Row])]) throws -> [MetricFamily] {
        let prefix = "pg_partitioned_table_"
        let perTable = [
            ColumnMetric(
                column: "size_bytes", name: prefix + "size_bytes", help: "Total size of the table's partitions (with indexes and TOAST).",
                type: .gauge),
            ColumnMetric(column: "partitions", name: prefix + "partitions", help: "Number of leaf partitions.", type: .gauge),
            ColumnMetric(
                column: "future_coverage", name: prefix + "future_coverage_seconds",
                help: "Range partitions on a date/timestamp key: highest upper bound minus now (negative: none for now).", type: .gauge),
        ]
        var families = perTable.map { MetricFamily(name: $0.name, help: $0.help, type: $0.type) }
        var other = MetricFamily(
            name: prefix + "other_size_bytes", help: "Size of the partitioned tables beyond the reported limit, summed.", type: .gauge)
        for (database, rows) in tables {
            let listed = try rows.filter { try $0.string("schemaname") != nil }
            let measured = try ColumnMetric.families(perTable, rows: listed) {
                [
                    Label("datname", database), Label("schemaname", try $0.string("schemaname") ?? ""),
                    Label("relname", try $0.string("relname") ?? ""),
                ]
            }
            for index in families.indices { families[index].samples += measured[index].samples }
            if let rest = try rows.first(where: { try $0.string("schemaname") == nil })?.double("size_bytes"), !listed.isEmpty || rest > 0 {
                other.samples.append(Sample(labels: [Label("datname", database)], value: rest))
            }
        }
        return families + [other]
    }
}
