// Buffer cache hits and reads per database, and the hit ratio over a window of history.
import Postgres
import Store

/// Reports `pg_stat_database` block hits and reads, and derives `pg_cache_hit_ratio` from their
/// increase over `window` (since the last stats reset until two samples are stored).
struct CacheHitCollector: Collector {
    package let name = "cache_hit_ratio"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 130000
    /// The window of the derived ratio.
    package let window: Duration

    /// Creates the collector with the ratio's window (default 5 minutes).
    package init(window: Duration = .seconds(300)) {
        self.window = window
    }

    /// Block counters per database (the shared-objects row, datname NULL, left out).
    package static let query = """
        SELECT datname, blks_hit::float8 AS blks_hit, blks_read::float8 AS blks_read
        FROM pg_stat_database WHERE datname IS NOT NULL
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        try Self.families(rows: try await session.query(Self.query).rows)
    }

    /// Turns the counter rows into the two counter families.
    package static func families(rows: [Row]) throws -> [MetricFamily] {
        var hits = MetricFamily(name: CacheHitRatio.hitsName, help: "Disk blocks found in the buffer cache.", type: .counter)
        var reads = MetricFamily(name: CacheHitRatio.readsName, help: "Disk blocks read from outside the buffer cache.", type: .counter)
        for row in rows {
            guard let datname = try row.string("datname") else { continue }
            let labels = [Label("datname", datname)]
            if let hit = try row.double("blks_hit") { hits.samples.append(Sample(labels: labels, value: hit)) }
            if let read = try row.double("blks_read") { reads.samples.append(Sample(labels: labels, value: read)) }
        }
        return [hits, reads]
    }

    package func derive(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] {
        var ratio = MetricFamily(
            name: "pg_cache_hit_ratio", help: "Share of block accesses served from the buffer cache over the window (0…1).", type: .gauge)
        let reads = families.first { $0.name == CacheHitRatio.readsName }?.samples ?? []
        for hit in families.first(where: { $0.name == CacheHitRatio.hitsName })?.samples ?? [] {
            guard let read = reads.first(where: { $0.labels == hit.labels }) else { continue }
            let hitPoints = await history.points(name: CacheHitRatio.hitsName, labels: hit.labels, window: window, now: now)
            let readPoints = await history.points(name: CacheHitRatio.readsName, labels: hit.labels, window: window, now: now)
            let value = CacheHitRatio.ratio(
                hitIncrease: WindowFunction.increase.apply(to: hitPoints), readIncrease: WindowFunction.increase.apply(to: readPoints),
                hitsSinceReset: hit.value, readsSinceReset: read.value)
            if let value { ratio.samples.append(Sample(labels: hit.labels, value: value)) }
        }
        return [ratio]
    }
}
