// A target as the sampler runs it: resolved name and labels, connection settings, collector schedule.
import Collectors
import Config
import Exposition
import Postgres
import Store

/// Everything the sampler needs to know about one target, resolved from the config.
package struct MonitoredTarget: Sendable {
    /// The `target` label value.
    package var name: String
    /// `target` first, then the configured labels sorted by name: prepended to every series.
    package var labels: [Label]
    /// How to connect.
    package var connection: ConnectionSettings
    /// The collectors and their intervals.
    package var schedule: [ScheduledCollector]
    /// How much history each series keeps.
    package var history: Duration
    /// A PostgreSQL server or a PgBouncer.
    package var kind: TargetKind

    /// The tick of the target's loop: the shortest collector interval.
    var baseInterval: Duration {
        schedule.map(\.interval).min() ?? .seconds(15)
    }

    /// Resolves every target of `config`; their collectors leave query texts and settings in `sideResults`.
    package static func all(from config: AgentConfig, sideResults: CollectorSideResults) throws -> [MonitoredTarget] {
        return try config.targets.map { target in
            let name = target.name ?? ""
            return MonitoredTarget(
                name: name,
                labels: [Label("target", name)] + target.labels.sorted { $0.key < $1.key }.map { Label($0.key, $0.value) },
                connection: ConnectionSettings(
                    connectionString: try ConnectionString(target.dsn), timeout: config.timeout.duration,
                    databases: target.databases, excludeDatabases: target.excludeDatabases, kind: target.type),
                schedule: CollectorRegistry.schedule(
                    for: config, kind: target.type,
                    context: CollectorContext(target: name, cluster: target.labels["cluster"], sideResults: sideResults)),
                history: config.history.duration,
                kind: target.type)
        }
    }
}
