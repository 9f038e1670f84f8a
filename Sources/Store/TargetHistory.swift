// A target's view of the store: series looked up with the target's own labels prepended.
import Support

/// Adapts `SampleStore` to `SeriesHistory` for one target, whose labels every stored series carries.
package struct TargetHistory: SeriesHistory {
    /// The store holding the series.
    package let store: SampleStore
    /// The labels the sampler prepends to every series of this target (`target` first).
    package let targetLabels: [Label]

    /// Creates a value from its parts.
    package init(store: SampleStore, targetLabels: [Label]) {
        self.store = store
        self.targetLabels = targetLabels
    }

    package func points(name: String, labels: [Label], window: Duration, now: Double) async -> [SeriesPoint] {
        await store.points(SeriesKey(name: name, labels: targetLabels + labels), window: window.seconds, now: now)
    }
}
