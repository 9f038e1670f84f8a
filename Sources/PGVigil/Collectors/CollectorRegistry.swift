// The list of all collectors, the options each accepts, and how config turns into a schedule.

/// A collector with the interval it runs on, as configured.
struct ScheduledCollector: Sendable {
    /// The collector.
    var collector: any Collector
    /// How often it runs.
    var interval: Duration
}

/// Every collector pgvigil has. Adding a collector = one entry here.
enum CollectorRegistry {
    /// A collector's name, the options it accepts besides `enabled` and `interval`, whether it
    /// runs without being enabled in the config, and its factory.
    struct Entry: Sendable {
        var name: String
        var extraOptions: Set<CollectorOptions.CodingKeys>
        var enabledByDefault = true
        /// The kind of target it samples.
        var kind: TargetKind = .postgresql
        var make: @Sendable (CollectorOptions, CollectorContext) -> any Collector
    }

    /// All collectors, in the order they run within a cycle.
    static let entries: [Entry] = [
        Entry(name: "activity", extraOptions: []) { _, _ in ActivityCollector() },
        Entry(name: "replication", extraOptions: []) { _, _ in ReplicationCollector() },
        Entry(name: "cache_hit_ratio", extraOptions: [.window]) { options, _ in
            CacheHitCollector(window: options.window?.duration ?? .seconds(300))
        },
        Entry(name: "table_sizes", extraOptions: [.limit]) { options, _ in TableSizesCollector(limit: options.limit ?? 50) },
        Entry(name: "database", extraOptions: []) { _, _ in DatabaseStatsCollector() },
        Entry(name: "locks", extraOptions: []) { _, _ in LocksCollector() },
        Entry(name: "wraparound", extraOptions: []) { _, _ in WraparoundCollector() },
        Entry(name: "checkpointer", extraOptions: []) { _, _ in CheckpointerCollector() },
        Entry(name: "wal", extraOptions: [.window]) { options, _ in WALCollector(window: options.window?.duration ?? .seconds(300)) },
        Entry(name: "settings", extraOptions: []) { _, _ in SettingsCollector() },
        Entry(name: "vacuum", extraOptions: [.limit]) { options, _ in VacuumCollector(limit: options.limit ?? 50) },
        Entry(name: "indexes", extraOptions: [.limit]) { options, _ in IndexesCollector(limit: options.limit ?? 50) },
        Entry(name: "partitions", extraOptions: [.limit]) { options, _ in PartitionsCollector(limit: options.limit ?? 50) },
        Entry(name: "statements", extraOptions: [.limit], enabledByDefault: false) { options, context in
            StatementsCollector(limit: options.limit ?? 50, texts: context.statementTexts, target: context.target)
        },
        Entry(name: "pgbouncer", extraOptions: [], kind: .pgbouncer) { _, _ in PgBouncerCollector() },
    ]

    /// Label names that collectors and self metrics put on series; target labels must not reuse them.
    static let reservedLabelNames: Set<String> = [
        "target", "collector", "version", "server_version_num", "datname", "usename", "state", "wait_event_type",
        "application_name", "client_addr", "slot_name", "slot_type", "active", "schemaname", "relname", "mode", "alert", "phase", "indexrelname", "queryid", "database", "user",
        "receiver", "outcome",
    ]

    /// The enabled collectors with their intervals, for `config` and targets of `kind`, made for the target of `context`.
    static func schedule(for config: AgentConfig, kind: TargetKind = .postgresql, context: CollectorContext) -> [ScheduledCollector] {
        entries.filter { $0.kind == kind }.compactMap { entry in
            let options = config.collectors[entry.name] ?? CollectorOptions()
            guard options.enabled ?? entry.enabledByDefault else { return nil }
            let collector = entry.make(options, context)
            let interval = options.interval?.duration ?? collector.defaultInterval ?? config.interval.duration
            return ScheduledCollector(collector: collector, interval: interval)
        }
    }
}
