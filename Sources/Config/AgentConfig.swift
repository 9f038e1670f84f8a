// The whole configuration of the agent, as read from YAML and overridden by environment and flags.

/// The agent's configuration. Its defaults are the ones README's configuration table lists.
package struct AgentConfig: Sendable, Hashable, Codable {
    /// `HOST:PORT` to serve HTTP on; `:PORT` means all interfaces.
    package var listen: String = ":9432"
    /// The default sampling interval of every collector.
    package var interval = ConfigDuration(.seconds(15))
    /// How much history each series keeps.
    package var history = ConfigDuration(.seconds(3600))
    /// The consolidated tiers each series keeps beyond `history`, finest first.
    package var historyTiers = HistoryTierConfig.defaults
    /// Upper bound of each connect and each statement.
    package var timeout = ConfigDuration(.seconds(10))
    /// The monitored servers.
    package var targets: [TargetConfig] = []
    /// Per-collector overrides, by collector name.
    package var collectors: [String: CollectorOptions] = [:]
    /// Alert rules and receivers.
    package var alerts = AlertsConfig()
    /// The bearer token the HTTP server requires (on every path but /healthz); none by default.
    package var auth: HTTPAuthConfig?
    /// exporter-toolkit's web config file: basic-auth users (bcrypt), security headers, open paths.
    package var webConfigFile: String?
    /// The HTTP server's limits and timeouts.
    package var http = HTTPServerConfig()
    /// Where samples are also pushed, with Prometheus remote-write.
    package var remoteWrite: [RemoteWriteConfig] = []
    /// Labels added to every remote-written series (the agent's identity in a fleet: cluster,
    /// replica); not added to /metrics, where the scraper adds its own, nor to alerts.
    package var externalLabels: [String: String] = [:]
    /// This agent's share of the targets when several agents split one list.
    package var sharding: ShardingConfig?
    /// Targets read from files (Prometheus's file_sd format), besides `targets`.
    package var fileSD: [FileSDConfig] = []
    /// How far back history reaches: `history`, or the longest tier's `keep`.
    package var historyReach: ConfigDuration {
        historyTiers.map(\.keep).max { $0.duration < $1.duration }.map { $0.duration > history.duration ? $0 : history } ?? history
    }
    /// Where the agent keeps what outlives a restart: the saved history (and the spool, unless
    /// `alerts.spool` says otherwise). Nil: `defaultStateDirectory`, used only if it exists.
    package var stateDirectory: String?

    /// The state directory when the config names none (the package, image and systemd unit make it).
    package static let defaultStateDirectory = "/var/lib/pgvigil"

    /// The defaults.
    package init() {}

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = AgentConfig()
        listen = try container.decodeIfPresent(String.self, forKey: .listen) ?? defaults.listen
        interval = try container.decodeIfPresent(ConfigDuration.self, forKey: .interval) ?? defaults.interval
        history = try container.decodeIfPresent(ConfigDuration.self, forKey: .history) ?? defaults.history
        historyTiers = try container.decodeIfPresent([HistoryTierConfig].self, forKey: .historyTiers) ?? defaults.historyTiers
        timeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? defaults.timeout
        targets = try container.decodeIfPresent([TargetConfig].self, forKey: .targets) ?? []
        collectors = try container.decodeIfPresent([String: CollectorOptions].self, forKey: .collectors) ?? [:]
        alerts = try container.decodeIfPresent(AlertsConfig.self, forKey: .alerts) ?? AlertsConfig()
        auth = try container.decodeIfPresent(HTTPAuthConfig.self, forKey: .auth)
        webConfigFile = try container.decodeIfPresent(String.self, forKey: .webConfigFile)
        stateDirectory = try container.decodeIfPresent(String.self, forKey: .stateDirectory)
        http = try container.decodeIfPresent(HTTPServerConfig.self, forKey: .http) ?? HTTPServerConfig()
        remoteWrite = try container.decodeIfPresent([RemoteWriteConfig].self, forKey: .remoteWrite) ?? []
        externalLabels = try container.decodeIfPresent([String: String].self, forKey: .externalLabels) ?? [:]
        sharding = try container.decodeIfPresent(ShardingConfig.self, forKey: .sharding)
        fileSD = try container.decodeIfPresent([FileSDConfig].self, forKey: .fileSD) ?? []
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case listen, interval, history, timeout, targets, collectors, alerts, auth, http, sharding
        case webConfigFile = "web_config_file"
        case stateDirectory = "state_directory"
        case historyTiers = "history_tiers"
        case remoteWrite = "remote_write"
        case externalLabels = "external_labels"
        case fileSD = "file_sd"
    }
}

extension AgentConfig {
    /// This config with `discovered` targets after its own: those of this agent's shard, and not
    /// named like one before them (the first of a name wins: the config's own, then file order).
    package func with(discovered: [TargetConfig]) -> AgentConfig {
        var config = self
        var names = Set(targets.map { $0.name ?? "" })
        for target in discovered where sharding?.owns(target.name ?? "") ?? true {
            if names.insert(target.name ?? "").inserted { config.targets.append(target) }
        }
        return config
    }
}
