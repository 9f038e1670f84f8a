// A target's view of the store: series looked up with the target's own labels prepended.

/// Adapts `SampleStore` to `SeriesHistory` for one target, whose labels every stored series carries.
struct TargetHistory: SeriesHistory {
    /// The store holding the series.
    let store: SampleStore
    /// The labels the sampler prepends to every series of this target (`target` first).
    let targetLabels: [Label]

    func points(name: String, labels: [Label], window: Duration, now: Double) async -> [SeriesPoint] {
        await store.points(SeriesKey(name: name, labels: targetLabels + labels), window: window.seconds, now: now)
    }
}
