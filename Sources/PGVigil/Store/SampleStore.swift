// The agent's memory: the latest snapshot of each target's collectors and a ring buffer per series.

/// Keeps, per target, the families of each collector's last successful run, and for every series
/// a fixed-size ring buffer of its recent points, with window queries over them.
actor SampleStore {
    /// A series' points and how long they are kept.
    private struct StoredSeries {
        var points: RingBuffer<SeriesPoint>
        var lastUpdated: Double
        var retention: Double
    }

    private var series: [SeriesKey: StoredSeries] = [:]
    /// target → collector → families (with target labels applied).
    private var snapshots: [String: [String: [MetricFamily]]] = [:]
    private var ingestsSinceSweep = 0

    /// Creates an empty store.
    init() {}

    /// Makes `families` the current snapshot of `collector` on `target` (what /metrics serves).
    func setSnapshot(target: String, collector: String, families: [MetricFamily]) {
        snapshots[target, default: [:]][collector] = families
    }

    /// Appends each sample of `families` at `timestamp` to its series' ring buffer, created with
    /// `capacity` points; a series not updated for `retention` seconds is eventually forgotten.
    func append(_ families: [MetricFamily], timestamp: Double, capacity: Int, retention: Double) {
        for family in families {
            for sample in family.samples {
                let key = SeriesKey(name: family.name, labels: sample.labels)
                let point = SeriesPoint(timestamp: timestamp, value: sample.value)
                if var stored = series[key] {
                    stored.points.append(point)
                    stored.lastUpdated = timestamp
                    series[key] = stored
                } else {
                    var buffer = RingBuffer<SeriesPoint>(capacity: capacity)
                    buffer.append(point)
                    series[key] = StoredSeries(points: buffer, lastUpdated: timestamp, retention: retention)
                }
            }
        }
        ingestsSinceSweep += 1
        if ingestsSinceSweep >= 64 {
            ingestsSinceSweep = 0
            series = series.filter { timestamp - $0.value.lastUpdated <= $0.value.retention }
        }
    }

    /// Forgets a collector's snapshot for `target`, so its series are no longer served.
    func drop(target: String, collector: String) {
        snapshots[target]?[collector] = nil
    }

    /// Forgets every collector snapshot of `target` except those named in `keeping`.
    func drop(target: String, except keeping: Set<String>) {
        snapshots[target] = snapshots[target]?.filter { keeping.contains($0.key) }
    }

    /// The current families of `target`, all collectors together (unsorted, unmerged).
    func snapshot(target: String) -> [MetricFamily] {
        (snapshots[target] ?? [:]).sorted { $0.key < $1.key }.flatMap(\.value)
    }

    /// The points of one series within the last `window` seconds before `now`, oldest first.
    func points(_ key: SeriesKey, window: Double, now: Double) -> [SeriesPoint] {
        guard let stored = series[key] else { return [] }
        let start = now - window
        return stored.points.suffix { $0.timestamp >= start }
    }

    /// Every stored series whose name is `name`, with its points within `window` before `now`.
    func series(named name: String, window: Double, now: Double) -> [(labels: [Label], points: [SeriesPoint])] {
        let start = now - window
        return series.filter { $0.key.name == name }
            .map { (labels: $0.key.labels, points: $0.value.points.suffix { $0.timestamp >= start }) }
            .sorted { $0.labels.lexicographicallyPrecedes($1.labels) { ($0.name, $0.value) < ($1.name, $1.value) } }
    }

    /// The number of series currently held in ring buffers.
    var seriesCount: Int { series.count }
}
