// A target as the sampler runs it: resolved name and labels, connection settings, collector schedule.

/// Everything the sampler needs to know about one target, resolved from the config.
struct MonitoredTarget: Sendable {
    /// The `target` label value.
    var name: String
    /// `target` first, then the configured labels sorted by name: prepended to every series.
    var labels: [Label]
    /// How to connect.
    var connection: ConnectionSettings
    /// The collectors and their intervals.
    var schedule: [ScheduledCollector]
    /// How much history ring buffers keep.
    var history: Duration
    /// A PostgreSQL server or a PgBouncer.
    var kind: TargetKind

    /// The tick of the target's loop: the shortest collector interval.
    var baseInterval: Duration {
        schedule.map(\.interval).min() ?? .seconds(15)
    }

    /// Resolves every target of `config`; their statements collectors report query texts into `statementTexts`.
    static func all(from config: AgentConfig, statementTexts: StatementTextCatalog) throws -> [MonitoredTarget] {
        return try config.targets.map { target in
            let name = target.name ?? ""
            return MonitoredTarget(
                name: name,
                labels: [Label("target", name)] + target.labels.sorted { $0.key < $1.key }.map { Label($0.key, $0.value) },
                connection: ConnectionSettings(
                    connectionString: try ConnectionString(target.dsn), timeout: config.timeout.duration,
                    databases: target.databases, excludeDatabases: target.excludeDatabases, kind: target.type),
                schedule: CollectorRegistry.schedule(
                    for: config, kind: target.type, context: CollectorContext(target: name, statementTexts: statementTexts)),
                history: config.history.duration,
                kind: target.type)
        }
    }
}
