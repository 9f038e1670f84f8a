// Transaction ID and multixact wraparound: per database ages, the share of the horizon used, the oldest table.
import Postgres
import Store

/// Reports how close each database is to transaction ID and multixact wraparound: the ages of
/// `datfrozenxid` and `datminmxid`, the share of the 2^31 horizon they use (autovacuum must
/// freeze before 1.0), and per connectable database the table holding the oldest `relfrozenxid`.
///
/// From the history it forecasts, per database, the seconds until its age reaches
/// `autovacuum_freeze_max_age` (autovacuum then forces an aggressive, anti-wraparound vacuum;
/// from the settings collector's `pg_settings_autovacuum_freeze_max_age`) and until the server's
/// hard limit (2^31 − 3,000,000, where it stops assigning transaction IDs): the age's trend fitted
/// by least squares over `window` (`LinearTrend`), from the current age. Absent while the history
/// spans less than five points and five minutes (a quarter of a shorter window), or while the
/// age is flat or falling.
struct WraparoundCollector: Collector {
    package let name = "wraparound"
    let defaultInterval: Duration? = .seconds(60)
    package let minimumServerVersion = 130000
    /// How far back the forecasts' trend is fitted (at most the history kept).
    package let window: Duration

    /// Creates the collector with the forecasts' window (default 24 hours).
    package init(window: Duration = .seconds(86_400)) {
        self.window = window
    }

    /// The wraparound horizon: 2^31 transactions.
    static let horizon = 2_147_483_648.0
    /// The age at which the server stops assigning transaction IDs (its 3,000,000 margin before the horizon).
    static let hardLimit = horizon - 3_000_000

    /// Ages per database; template0 too, which cannot be connected to but can wrap around.
    static let databasesQuery = """
        SELECT datname, age(datfrozenxid)::float8 AS xid_age, mxid_age(datminmxid)::float8 AS mxid_age FROM pg_database
        """

    /// The table (or TOAST table, or materialized view) with the oldest relfrozenxid of the current database.
    static let oldestTableQuery = """
        SELECT n.nspname AS schemaname, c.relname, age(c.relfrozenxid)::float8 AS xid_age
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'm', 't') ORDER BY age(c.relfrozenxid) DESC LIMIT 1
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let ages = try await session.query(Self.databasesQuery).rows
        let databases = try await session.databasesToVisit()
        let oldest = try await session.forEachDatabase(databases.visit) { try await $0.query(Self.oldestTableQuery).rows }
        return try Self.families(databaseRows: ages, oldestTables: oldest.map { ($0.database, $0.result) })
    }

    /// Turns database ages and each database's oldest table into families.
    package static func families(databaseRows: [Row], oldestTables: [(database: String, rows: [Row])]) throws -> [MetricFamily] {
        var xidAge = MetricFamily(name: "pg_database_xid_age", help: "Age of the database's datfrozenxid, in transactions.", type: .gauge)
        var mxidAge = MetricFamily(name: "pg_database_mxid_age", help: "Age of the database's datminmxid, in multixacts.", type: .gauge)
        var xidRatio = MetricFamily(
            name: "pg_database_xid_wraparound_ratio", help: "Share of the 2^31 transaction ID horizon used (0…1).", type: .gauge)
        var mxidRatio = MetricFamily(name: "pg_database_mxid_wraparound_ratio", help: "Share of the 2^31 multixact horizon used (0…1).", type: .gauge)
        for row in databaseRows {
            guard let datname = try row.string("datname") else { continue }
            let labels = [Label("datname", datname)]
            if let age = try row.double("xid_age") {
                xidAge.samples.append(Sample(labels: labels, value: age))
                xidRatio.samples.append(Sample(labels: labels, value: age / horizon))
            }
            if let age = try row.double("mxid_age") {
                mxidAge.samples.append(Sample(labels: labels, value: age))
                mxidRatio.samples.append(Sample(labels: labels, value: age / horizon))
            }
        }
        var oldest = MetricFamily(
            name: "pg_database_oldest_table_xid_age", help: "Age of the oldest relfrozenxid in the database, with that table.", type: .gauge)
        for (database, rows) in oldestTables {
            for row in rows {
                guard let age = try row.double("xid_age") else { continue }
                oldest.samples.append(
                    Sample(
                        labels: [
                            Label("datname", database), Label("schemaname", try row.string("schemaname") ?? ""),
                            Label("relname", try row.string("relname") ?? ""),
                        ], value: age))
            }
        }
        return [xidAge, mxidAge, xidRatio, mxidRatio, oldest]
    }

    package func derive(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] {
        guard let ages = families.first(where: { $0.name == "pg_database_xid_age" }) else { return [] }
        let freezeMaxAge = await history.points(name: "pg_settings_autovacuum_freeze_max_age", labels: [], window: window, now: now).last?.value
        var untilFreeze = MetricFamily(
            name: "pg_database_xid_freeze_max_age_forecast_seconds",
            help: "Seconds until the database's xid age reaches autovacuum_freeze_max_age at its trend (absent: too little history, or not rising).",
            type: .gauge)
        var untilLimit = MetricFamily(
            name: "pg_database_xid_wraparound_forecast_seconds",
            help:
                "Seconds until the database's xid age reaches the server's hard limit (2^31 - 3,000,000) at its trend (absent: too little history, or not rising).",
            type: .gauge)
        for sample in ages.samples {
            guard let trend = await history.trend(name: ages.name, labels: sample.labels, window: window, now: now) else { continue }
            if let freezeMaxAge, let seconds = trend.secondsUntil(freezeMaxAge, current: sample.value) {
                untilFreeze.samples.append(Sample(labels: sample.labels, value: seconds))
            }
            if let seconds = trend.secondsUntil(Self.hardLimit, current: sample.value) {
                untilLimit.samples.append(Sample(labels: sample.labels, value: seconds))
            }
        }
        return [untilFreeze, untilLimit]
    }
}
