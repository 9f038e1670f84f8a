// The few per-target series the status page draws, aggregated from the stored history.
import Store
import Support

/// A target-wide series derived from its stored series: what the person on call looks at first.
enum KeySeries: Sendable {
    /// Client sessions (sum of `pg_stat_activity_count`).
    case connections
    /// Commits plus rollbacks per second between consecutive samples: each database's rate, summed.
    case transactionsPerSecond
    /// Block hits / (hits + reads) between consecutive samples: each database's increases, summed (the collector's ratio).
    case cacheHitRatio
    /// The larger of the standby's replay lag and the primary's standbys' replay lag.
    case replicationLag
    /// Sum of `pg_database_size_bytes`.
    case databaseSize
    /// PgBouncer: clients waiting for a server connection, over all pools.
    case clientsWaiting
    /// PgBouncer: server connections (active, idle, used), over all pools.
    case serverConnections
    /// PgBouncer: the longest wait of a client in any pool.
    case longestClientWait

    /// The series drawn for a PostgreSQL server, or for a PgBouncer.
    static func shown(pgBouncer: Bool) -> [KeySeries] {
        pgBouncer
            ? [.clientsWaiting, .serverConnections, .longestClientWait]
            : [.connections, .transactionsPerSecond, .cacheHitRatio, .replicationLag, .databaseSize]
    }

    /// How a value of the series reads.
    enum Unit: Sendable {
        case count, perSecond, ratio, seconds, bytes
    }

    /// The heading on the page.
    package var title: String {
        switch self {
        case .connections: "Connections"
        case .transactionsPerSecond: "Transactions/s"
        case .cacheHitRatio: "Cache hit ratio"
        case .replicationLag: "Replication lag"
        case .databaseSize: "Database size"
        case .clientsWaiting: "Clients waiting"
        case .serverConnections: "Server connections"
        case .longestClientWait: "Longest client wait"
        }
    }

    /// The unit of its values.
    package var unit: Unit {
        switch self {
        case .connections: .count
        case .transactionsPerSecond: .perSecond
        case .cacheHitRatio: .ratio
        case .replicationLag: .seconds
        case .databaseSize: .bytes
        case .clientsWaiting, .serverConnections: .count
        case .longestClientWait: .seconds
        }
    }

    /// The fixed range of the y axis, when the values have natural bounds (nil: the data's own range).
    package var scale: ClosedRange<Double>? {
        self == .cacheHitRatio ? 0...1 : nil
    }

    /// The series' points for `target` within the last `window` seconds before `now`, oldest first.
    package func points(in archive: SeriesArchive, target: String, window: Double, now: Double) -> [SeriesPoint] {
        let series = { (name: String) in archive.series(named: name, window: window, now: now) { $0.first == Label("target", target) } }
        let sum = { (names: [String]) in Self.merged(names.flatMap { series($0).flatMap(\.points) }, by: +) }
        switch self {
        case .connections:
            return sum(["pg_stat_activity_count"])
        case .databaseSize:
            return sum(["pg_database_size_bytes"])
        case .replicationLag:
            return Self.merged((series("pg_replication_lag_seconds") + series("pg_stat_replication_replay_lag_seconds")).flatMap(\.points), by: max)
        case .clientsWaiting:
            return sum(["pgbouncer_pools_client_waiting_connections"])
        case .serverConnections:
            return sum(["active", "idle", "used"].map { "pgbouncer_pools_server_\($0)_connections" })
        case .longestClientWait:
            return Self.merged(series("pgbouncer_pools_client_maxwait_seconds").flatMap(\.points), by: max)
        case .transactionsPerSecond:
            return Self.summedRates(
                ["pg_stat_database_xact_commit_total", "pg_stat_database_xact_rollback_total"].flatMap { series($0) })
        case .cacheHitRatio:
            return Self.cacheHitRatios(hits: series(CacheHitRatio.hitsName), reads: series(CacheHitRatio.readsName))
        }
    }

    /// Each series' rate between its consecutive samples, summed per timestamp: a database that is
    /// created or dropped adds or removes its own rate, never its whole count as a spike.
    private static func summedRates(_ entries: [SeriesArchive.SeriesHistoryEntry]) -> [SeriesPoint] {
        merged(
            entries.flatMap { entry in
                zip(entry.points, entry.points.dropFirst()).compactMap { earlier, later in
                    WindowFunction.rate.apply(to: [earlier, later]).map { SeriesPoint(timestamp: later.timestamp, value: $0) }
                }
            }, by: +)
    }

    /// Hits / (hits + reads) of the block counters' increases between consecutive samples, each
    /// database's increase taken on its own and then summed per timestamp.
    private static func cacheHitRatios(hits: [SeriesArchive.SeriesHistoryEntry], reads: [SeriesArchive.SeriesHistoryEntry]) -> [SeriesPoint] {
        let readsByLabels = Dictionary(reads.map { ($0.labels, $0.points) }, uniquingKeysWith: { first, _ in first })
        var increases: [Double: (hits: Double, reads: Double)] = [:]
        for hit in hits {
            guard let readPoints = readsByLabels[hit.labels] else { continue }
            let readAt = Dictionary(readPoints.map { ($0.timestamp, $0) }, uniquingKeysWith: { first, _ in first })
            for (earlier, later) in zip(hit.points, hit.points.dropFirst()) {
                guard let earlierRead = readAt[earlier.timestamp], let laterRead = readAt[later.timestamp],
                    let hitIncrease = WindowFunction.increase.apply(to: [earlier, later]),
                    let readIncrease = WindowFunction.increase.apply(to: [earlierRead, laterRead])
                else { continue }
                increases[later.timestamp, default: (0, 0)].hits += hitIncrease
                increases[later.timestamp, default: (0, 0)].reads += readIncrease
            }
        }
        return increases.sorted { $0.key < $1.key }.compactMap { timestamp, increase in
            CacheHitRatio.ratio(hits: increase.hits, reads: increase.reads).map { SeriesPoint(timestamp: timestamp, value: $0) }
        }
    }

    /// Points with equal timestamps combined into one, oldest first (a collector run stores all of
    /// its samples at one timestamp).
    private static func merged(_ points: [SeriesPoint], by combine: (Double, Double) -> Double) -> [SeriesPoint] {
        Dictionary(points.map { ($0.timestamp, $0.value) }, uniquingKeysWith: combine)
            .map { SeriesPoint(timestamp: $0.key, value: $0.value) }
            .sorted { $0.timestamp < $1.timestamp }
    }
}
