// The few per-target series the status page draws, aggregated from the ring buffers.

/// A target-wide series derived from its stored series: what the person on call looks at first.
enum KeySeries: CaseIterable, Sendable {
    /// Client sessions (sum of `pg_stat_activity_count`).
    case connections
    /// Commits plus rollbacks per second between consecutive samples, across databases.
    case transactionsPerSecond
    /// Block hits / (hits + reads) between consecutive samples, across databases (the collector's ratio).
    case cacheHitRatio
    /// The larger of the standby's replay lag and the primary's standbys' replay lag.
    case replicationLag
    /// Sum of `pg_database_size_bytes`.
    case databaseSize

    /// How a value of the series reads.
    enum Unit: Sendable {
        case count, perSecond, ratio, seconds, bytes
    }

    /// The heading on the page.
    var title: String {
        switch self {
        case .connections: "Connections"
        case .transactionsPerSecond: "Transactions/s"
        case .cacheHitRatio: "Cache hit ratio"
        case .replicationLag: "Replication lag"
        case .databaseSize: "Database size"
        }
    }

    /// The unit of its values.
    var unit: Unit {
        switch self {
        case .connections: .count
        case .transactionsPerSecond: .perSecond
        case .cacheHitRatio: .ratio
        case .replicationLag: .seconds
        case .databaseSize: .bytes
        }
    }

    /// The fixed range of the y axis, when the values have natural bounds (nil: the data's own range).
    var scale: ClosedRange<Double>? {
        self == .cacheHitRatio ? 0...1 : nil
    }

    /// The series' points for `target` within the last `window` seconds before `now`, oldest first.
    func points(in archive: SeriesArchive, target: String, window: Double, now: Double) -> [SeriesPoint] {
        let sum = { (name: String) in Self.combined(archive, name, target: target, window: window, now: now, by: +) }
        switch self {
        case .connections:
            return sum("pg_stat_activity_count")
        case .databaseSize:
            return sum("pg_database_size_bytes")
        case .replicationLag:
            let standby = Self.combined(archive, "pg_replication_lag_seconds", target: target, window: window, now: now, by: max)
            let primary = Self.combined(archive, "pg_stat_replication_replay_lag_seconds", target: target, window: window, now: now, by: max)
            return Self.merged(standby + primary, by: max)
        case .transactionsPerSecond:
            let transactions = Self.merged(sum("pg_stat_database_xact_commit_total") + sum("pg_stat_database_xact_rollback_total"), by: +)
            return zip(transactions, transactions.dropFirst()).compactMap { earlier, later in
                WindowFunction.rate.apply(to: [earlier, later]).map { SeriesPoint(timestamp: later.timestamp, value: $0) }
            }
        case .cacheHitRatio:
            let hits = sum(CacheHitCollector.hitsName)
            let reads = Dictionary(sum(CacheHitCollector.readsName).map { ($0.timestamp, $0) }, uniquingKeysWith: { first, _ in first })
            let pairs = hits.compactMap { hit in reads[hit.timestamp].map { (hit: hit, read: $0) } }
            return zip(pairs, pairs.dropFirst()).compactMap { earlier, later in
                CacheHitCollector.ratio(
                    hitIncrease: WindowFunction.increase.apply(to: [earlier.hit, later.hit]),
                    readIncrease: WindowFunction.increase.apply(to: [earlier.read, later.read]),
                    hitsSinceReset: later.hit.value, readsSinceReset: later.read.value
                ).map { SeriesPoint(timestamp: later.hit.timestamp, value: $0) }
            }
        }
    }

    /// The series named `name` of `target`, combined per timestamp (a collector run stores all of
    /// its samples at one timestamp).
    private static func combined(
        _ archive: SeriesArchive, _ name: String, target: String, window: Double, now: Double, by combine: (Double, Double) -> Double
    ) -> [SeriesPoint] {
        let entries = archive.series(named: name, window: window, now: now) { $0.first == Label("target", target) }
        return merged(entries.flatMap(\.points), by: combine)
    }

    /// Points with equal timestamps combined into one, oldest first.
    private static func merged(_ points: [SeriesPoint], by combine: (Double, Double) -> Double) -> [SeriesPoint] {
        Dictionary(points.map { ($0.timestamp, $0.value) }, uniquingKeysWith: combine)
            .map { SeriesPoint(timestamp: $0.key, value: $0.value) }
            .sorted { $0.timestamp < $1.timestamp }
    }
}
