// The contract every collector fulfils: a name, a schedule, and a query that yields metric families.
import Postgres
import Store

/// A source of metric families, run by the sampler on its own interval against one target.
///
/// A collector chooses its query from `server` (version differences live inside the collector),
/// turns rows into families with a pure function that unit tests can call, and may derive
/// windowed series from the stored history.
package protocol Collector: Sendable {
    /// The collector's name: the `collector` label of self metrics and its key under `collectors:`.
    var name: String { get }
    /// How often it runs when the config does not say; nil means the global `interval`.
    var defaultInterval: Duration? { get }
    /// The oldest server version it supports, as `server_version_num` (e.g. 130000).
    var minimumServerVersion: Int { get }

    /// Queries the server and returns the families of this run (without target labels).
    func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily]

    /// Families computed from stored history after this run's families were stored (e.g. ratios
    /// over a window). The default derives nothing.
    func derive(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily]
}

extension Collector {
    package func derive(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] { [] }
}
