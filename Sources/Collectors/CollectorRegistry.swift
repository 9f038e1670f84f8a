// The list of all collectors, the options each accepts, and how config turns into a schedule.
import Config
import Postgres

/// A collector with the interval it runs on, as configured.
package struct ScheduledCollector: Sendable {
    /// The collector.
    package var collector: any Collector
    /// How often it runs.
    package var interval: Duration
}

/// Every collector pgvigil has. Adding a collector = one entry here.
package enum CollectorRegistry {
    /// A collector's name, the options it accepts besides `enabled` and `interval`, whether it
    /// runs without being enabled in the config, and its factory.
    package struct Entry: Sendable {
        package var name: String
        var extraOptions: Set<CollectorOptions.CodingKeys>
        var enabledByDefault = true
        /// The kind of target it samples.
        package var kind: TargetKind = .postgresql
        package var make: @Sendable (CollectorOptions, CollectorContext) -> any Collector
    }

    /// All collectors, in the order they run within a cycle.
    package static let entries: [Entry] = [
        Entry(name: "activity", extraOptions: []) { _, _ in ActivityCollector() },
        Entry(name: "replication", extraOptions: [.window, .budgetBytes]) { options, _ in
            ReplicationCollector(window: options.window?.duration ?? .seconds(3600), budget: options.budgetBytes.map(Double.init))
        },
        Entry(name: "cache_hit_ratio", extraOptions: [.window]) { options, _ in
            CacheHitCollector(window: options.window?.duration ?? .seconds(300))
        },
        Entry(name: "table_sizes", extraOptions: [.limit, .window, .budgetBytes]) { options, _ in
            TableSizesCollector(
                limit: options.limit ?? 50, window: options.window?.duration ?? .seconds(86_400), budget: options.budgetBytes.map(Double.init))
        },
        Entry(name: "database", extraOptions: []) { _, _ in DatabaseStatsCollector() },
        Entry(name: "locks", extraOptions: []) { _, _ in LocksCollector() },
        Entry(name: "wraparound", extraOptions: [.window]) { options, _ in
            WraparoundCollector(window: options.window?.duration ?? .seconds(86_400))
        },
        Entry(name: "checkpointer", extraOptions: []) { _, _ in CheckpointerCollector() },
        Entry(name: "wal", extraOptions: [.window]) { options, _ in WALCollector(window: options.window?.duration ?? .seconds(300)) },
        Entry(name: "io", extraOptions: []) { _, _ in IOCollector() },
        Entry(name: "settings", extraOptions: []) { _, context in
            SettingsCollector(board: context.sideResults.clusterSettings, target: context.target, cluster: context.cluster)
        },
        Entry(name: "vacuum", extraOptions: [.limit]) { options, _ in VacuumCollector(limit: options.limit ?? 50) },
        Entry(name: "indexes", extraOptions: [.limit]) { options, _ in IndexesCollector(limit: options.limit ?? 50) },
        Entry(name: "sequences", extraOptions: [.limit, .window]) { options, _ in
            SequencesCollector(limit: options.limit ?? 50, window: options.window?.duration ?? .seconds(86_400))
        },
        Entry(name: "partitions", extraOptions: [.limit]) { options, _ in PartitionsCollector(limit: options.limit ?? 50) },
        Entry(name: "statements", extraOptions: [.limit], enabledByDefault: false) { options, context in
            StatementsCollector(limit: options.limit ?? 50, texts: context.sideResults.statementTexts, target: context.target)
        },
        Entry(name: "pgbouncer", extraOptions: [], kind: .pgbouncer) { _, _ in PgBouncerCollector() },
    ]

    /// Label names that collectors and self metrics put on series; target labels must not reuse them.
    package static let reservedLabelNames: Set<String> = [
        "target", "collector", "version", "server_version_num", "datname", "usename", "state", "wait_event_type",
        "application_name", "client_addr", "slot_name", "slot_type", "active", "schemaname", "relname", "mode", "alert", "phase", "indexrelname",
        "queryid", "database", "user",
        "receiver", "outcome", "backend_type", "object", "context", "older_than_seconds", "name", "sequencename",
    ]

    /// The enabled collectors with their intervals, for `config` and targets of `kind`, made for the target of `context`.
    package static func schedule(for config: AgentConfig, kind: TargetKind = .postgresql, context: CollectorContext) -> [ScheduledCollector] {
        entries.filter { $0.kind == kind }.compactMap { entry in
            let options = config.collectors[entry.name] ?? CollectorOptions()
            guard options.enabled ?? entry.enabledByDefault else { return nil }
            let collector = entry.make(options, context)
            let interval = options.interval?.duration ?? collector.defaultInterval ?? config.interval.duration
            return ScheduledCollector(collector: collector, interval: interval)
        }
    }

    /// Throws the first problem with what `config` asks of collectors: a collector that does not
    /// exist, an option it does not take, a target label that collectors set themselves.
    package static func validate(_ config: AgentConfig) throws(ConfigProblem) {
        typealias Key = AgentConfig.CodingKeys
        for (index, target) in config.targets.enumerated() {
            for labelName in target.labels.keys.sorted() where reservedLabelNames.contains(labelName) {
                throw ConfigProblem(
                    path: [Key.targets, AnyCodingKey(index: index), TargetConfig.CodingKeys.labels],
                    message: "\"\(labelName)\" is set by pgvigil itself; choose another label name")
            }
        }
        for (name, options) in config.collectors.sorted(by: { $0.key < $1.key }) {
            try validate(options, named: name, at: [Key.collectors, AnyCodingKey(stringValue: name)])
        }
    }

    private static func validate(_ options: CollectorOptions, named name: String, at path: [any CodingKey]) throws(ConfigProblem) {
        typealias Key = CollectorOptions.CodingKeys
        guard let entry = entries.first(where: { $0.name == name }) else {
            let known = entries.map(\.name).joined(separator: ", ")
            throw ConfigProblem(path: path, message: "there is no collector \"\(name)\"; collectors are: \(known)")
        }
        if options.limit != nil, !entry.extraOptions.contains(.limit) {
            throw ConfigProblem(path: path + [Key.limit], message: "collector \(name) has no limit option")
        }
        if options.window != nil, !entry.extraOptions.contains(.window) {
            throw ConfigProblem(path: path + [Key.window], message: "collector \(name) has no window option")
        }
        if options.budgetBytes != nil, !entry.extraOptions.contains(.budgetBytes) {
            throw ConfigProblem(path: path + [Key.budgetBytes], message: "collector \(name) has no budget_bytes option")
        }
    }
}
