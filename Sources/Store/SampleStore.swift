// The agent's memory: the latest snapshot of each target's collectors, and (through the archive) each series' history.
import Support

/// Keeps, per target, the families of each collector's last successful run, and for every series
/// its recent points (compressed, in its `SeriesArchive`), with window queries over them.
package actor SampleStore {
    /// The history of every series, readable without awaiting this actor.
    package nonisolated let archive: SeriesArchive
    /// target → collector → families (with target labels applied).
    private var snapshots: [String: [String: [MetricFamily]]] = [:]
    /// Collectors whose snapshot was dropped after a failure and not replaced since.
    private var failingSources: Set<SeriesSource> = []
    /// The agent's own families that belong to no target (alerting's), for rules to select.
    private var agentFamilies: [MetricFamily] = []

    /// Creates an empty store over `archive`.
    package init(archive: SeriesArchive = SeriesArchive()) {
        self.archive = archive
    }

    /// Makes `families` the current snapshot of `collector` on `target` (what /metrics serves).
    package func setSnapshot(target: String, collector: String, families: [MetricFamily]) {
        snapshots[target, default: [:]][collector] = families
        failingSources.remove(SeriesSource(target: target, collector: collector))
    }

    /// Makes `families` the agent's own families that rules may select (they have no `target`).
    package func setAgentFamilies(_ families: [MetricFamily]) {
        agentFamilies = families
    }

    /// Appends each sample of `families`, written by `source` at `timestamp`, to its series'
    /// history, which keeps `capacity` points; a series not updated for `retention` seconds is
    /// eventually forgotten. Returns `families` with the labels of the stored series (see
    /// `SeriesArchive.append`), for the snapshot.
    @discardableResult
    package func append(
        _ families: [MetricFamily], source: SeriesSource, timestamp: Double, capacity: Int, retention: Double, completing: Bool = true
    ) -> [MetricFamily] {
        archive.append(families, source: source, timestamp: timestamp, capacity: capacity, retention: retention, completing: completing)
    }

    /// Forgets a collector's snapshot for `target` after it failed, so its series are no longer
    /// served; until its next snapshot, alert rules see it as a gap, not as series that went away.
    package func drop(target: String, collector: String) {
        snapshots[target]?[collector] = nil
        failingSources.insert(SeriesSource(target: target, collector: collector))
    }

    /// Forgets every collector snapshot of `target` (it is down); each is a gap until its next snapshot.
    package func dropAll(target: String) {
        for collector in (snapshots[target] ?? [:]).keys {
            failingSources.insert(SeriesSource(target: target, collector: collector))
        }
        snapshots[target] = nil
    }

    /// Forgets everything of `target`, which left the config: its snapshots, failing sources and
    /// history (a target of the same name added later starts afresh).
    package func forget(target: String) {
        snapshots[target] = nil
        failingSources = failingSources.filter { $0.target != target }
        archive.forget(target: target)
    }

    /// The current families of `target`, all collectors together (unsorted, unmerged).
    package func snapshot(target: String) -> [MetricFamily] {
        (snapshots[target] ?? [:]).sorted { $0.key < $1.key }.flatMap(\.value)
    }

    /// Every current series `expression` selects (across targets and the agent's own
    /// families), with the value of its selector (through its window function, over the ring
    /// buffer) and of the `resolve` expression's selector, and the collectors that are failing
    /// now (read together, so a collector that just failed is never mistaken for series that went
    /// away). Series whose value is undefined (too little history) are left out.
    package func observations(
        for expression: some SeriesQuery, resolve: (any SeriesQuery)?, now: Double
    ) -> (series: [SeriesObservation], failing: Set<SeriesSource>) {
        var observations: [SeriesObservation] = []
        let sources =
            snapshots.values.flatMap { $0.map { (collector: Optional($0.key), families: $0.value) } } + [(collector: nil, families: agentFamilies)]
        for source in sources {
            for family in source.families where family.name == expression.metric {
                for sample in family.samples where expression.selects(name: family.name, labels: sample.labels) {
                    let key = SeriesKey(name: family.name, labels: sample.labels)
                    guard let selected = value(of: expression, key: key, current: sample.value, now: now) else { continue }
                    let resolveValue = resolve.flatMap { value(of: $0, key: key, current: sample.value, now: now) }
                    observations.append(
                        SeriesObservation(labels: sample.labels, value: selected, resolveValue: resolveValue, collector: source.collector))
                }
            }
        }
        return (observations, failingSources)
    }

    /// The selector's value for one series: the current value, or its window function's result.
    private func value(of expression: some SeriesQuery, key: SeriesKey, current: Double, now: Double) -> Double? {
        guard let window = expression.window else { return current }
        return window.function.apply(to: points(key, window: window.range.seconds, now: now))
    }

    /// The points of one series within the last `window` seconds before `now`, oldest first.
    package func points(_ key: SeriesKey, window: Double, now: Double) -> [SeriesPoint] {
        archive.points(key, window: window, now: now)
    }
}
