// Which targets and collectors have no current data: the alerts on their series hold, neither resolving nor firing.
import Store

/// Targets that are down and collectors whose last run failed (or was dropped with their target).
/// Their series are missing because nothing could be read, not because the condition went away:
/// like Prometheus after a failed scrape, an alert on such a series keeps its state until data returns.
package struct DataGaps: Sendable, Hashable {
    /// Targets whose server check failed.
    var downTargets: Set<String> = []
    /// Collectors whose series were dropped after a failure.
    package var failingSources: Set<SeriesSource> = []

    /// Whether data from `source` (or, when the collector is unknown, from `target`) is missing.
    func covers(target: String, collector: String?) -> Bool {
        downTargets.contains(target) || collector.map { failingSources.contains(SeriesSource(target: target, collector: $0)) } ?? false
    }
}
