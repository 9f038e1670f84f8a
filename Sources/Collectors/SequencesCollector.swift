// Sequences and the integer keys they feed: how much of the range is used, and when it runs out.
import Postgres
import Store

/// Visits every selected database and reports the `limit` sequences that used the largest share
/// of their range, the number of sequences the role may not read, and, from the history, the
/// seconds until each reported sequence runs out.
///
/// A sequence's range ends at its `MAXVALUE` (`MINVALUE` descending) or at the limit of the
/// `smallint` or `integer` column that owns it (`serial`, identity, or `OWNED BY`), whichever
/// comes first: a `bigint` sequence feeding an `integer` key fails at 2^31 − 1 all the same.
/// Sequences that `CYCLE` are left out: they wrap around instead of running out. Reading a
/// sequence's value takes `SELECT` or `USAGE` on it, which `pg_monitor` does not give; the ones
/// the role may not read are counted (and `pgvigil doctor` says how to grant them).
struct SequencesCollector: Collector {
    package let name = "sequences"
    let defaultInterval: Duration? = .seconds(60)
    package let minimumServerVersion = 130000
    /// How many sequences per database are reported individually.
    package let limit: Int
    /// How far back the exhaustion forecasts' trend is fitted (at most the history kept).
    package let window: Duration

    /// Creates the collector reporting the `limit` fullest sequences per database (default 50),
    /// forecasting over `window` (default 24 hours).
    package init(limit: Int = 50, window: Duration = .seconds(86_400)) {
        self.limit = limit
        self.window = window
    }

    /// The `$1` fullest readable sequences (used share of the range, last value), and one row
    /// (schemaname NULL) counting those the role may not read. A value is read only where
    /// permitted (the `CASE` guards the call, as the `pg_sequences` view does), and a sequence
    /// never called yet has none.
    static let sequencesQuery = """
        WITH sequences AS (
            SELECT n.nspname AS schemaname, c.relname AS sequencename, c.oid,
                   -- Guarded: the planner may call it on other relations, for which it raises an error.
                   CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'SELECT,USAGE') END AS readable,
                   s.seqincrement > 0 AS ascending,
                   s.seqmin::float8 AS min_value, s.seqmax::float8 AS max_value,
                   CASE t.typname WHEN 'int2' THEN 32767 WHEN 'int4' THEN 2147483647 END::float8 AS column_max,
                   CASE t.typname WHEN 'int2' THEN -32768 WHEN 'int4' THEN -2147483648 END::float8 AS column_min
            FROM pg_sequence s
            JOIN pg_class c ON c.oid = s.seqrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i')
            LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
            LEFT JOIN pg_type t ON t.oid = a.atttypid
            -- Unlogged sequences have no value on a standby (older minor releases raise an error).
            WHERE NOT s.seqcycle AND NOT pg_is_other_temp_schema(n.oid) AND (c.relpersistence <> 'u' OR NOT pg_is_in_recovery())
        ), valued AS (
            SELECT *, CASE WHEN readable THEN pg_sequence_last_value(oid)::float8 END AS last_value FROM sequences
        ), used AS (
            SELECT schemaname, sequencename, last_value,
                   CASE WHEN ascending
                        THEN (last_value - min_value) / nullif(least(max_value, coalesce(column_max, max_value)) - min_value, 0)
                        ELSE (max_value - last_value) / nullif(max_value - greatest(min_value, coalesce(column_min, min_value)), 0)
                   END AS used_ratio
            FROM valued WHERE last_value IS NOT NULL
        )
        SELECT * FROM (
            SELECT schemaname, sequencename, last_value, used_ratio, NULL::float8 AS unreadable
            FROM used ORDER BY used_ratio DESC NULLS LAST, schemaname, sequencename LIMIT $1::int
        ) fullest
        UNION ALL
        SELECT NULL, NULL, NULL, NULL, count(*) FILTER (WHERE NOT readable)::float8 FROM sequences
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let databases = try await session.databasesToVisit()
        let sequences = try await session.forEachDatabase(databases.visit) { try await $0.query(Self.sequencesQuery, [String(limit)]).rows }
        return try Self.families(sequences: sequences.map { ($0.database, $0.result) })
    }

    /// Turns each database's sequence rows into families.
    package static func families(sequences: [(database: String, rows: [Row])]) throws -> [MetricFamily] {
        let perSequence = [
            ColumnMetric(
                column: "used_ratio", name: "pg_sequence_used_ratio",
                help: "Share of the sequence's range used (0…1), the range ending at its owning integer column's limit if sooner.", type: .gauge),
            ColumnMetric(column: "last_value", name: "pg_sequence_last_value", help: "The value the sequence last handed out.", type: .gauge),
        ]
        let perDatabase = [
            ColumnMetric(
                column: "unreadable", name: "pg_sequences_unreadable",
                help: "Sequences the monitoring role may not read (no SELECT or USAGE), so not reported.", type: .gauge)
        ]
        var families = (perSequence + perDatabase).map { MetricFamily(name: $0.name, help: $0.help, type: $0.type) }
        for (database, rows) in sequences {
            let listed = try rows.filter { try $0.string("schemaname") != nil }
            let summary = try rows.filter { try $0.string("schemaname") == nil }
            let sequenceFamilies = try ColumnMetric.families(perSequence, rows: listed) {
                [
                    Label("datname", database), Label("schemaname", try $0.string("schemaname") ?? ""),
                    Label("sequencename", try $0.string("sequencename") ?? ""),
                ]
            }
            let databaseFamilies = try ColumnMetric.families(perDatabase, rows: summary) { _ in [Label("datname", database)] }
            for (index, family) in (sequenceFamilies + databaseFamilies).enumerated() { families[index].samples += family.samples }
        }
        return families
    }

    package func derive(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] {
        guard let used = families.first(where: { $0.name == "pg_sequence_used_ratio" }) else { return [] }
        var untilExhausted = MetricFamily(
            name: "pg_sequence_exhaustion_forecast_seconds",
            help: "Seconds until the sequence runs out of its range at its trend (absent: too little history, or not advancing).", type: .gauge)
        for sample in used.samples {
            guard let trend = await history.trend(name: used.name, labels: sample.labels, window: window, now: now),
                let seconds = trend.secondsUntil(1, current: sample.value)
            else { continue }
            untilExhausted.samples.append(Sample(labels: sample.labels, value: seconds))
        }
        return [untilExhausted]
    }
}
