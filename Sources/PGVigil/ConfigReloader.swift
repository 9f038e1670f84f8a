// Re-reads the config and the web config (SIGHUP, POST /-/reload) and applies a changed list of targets.
import Config
import Exposition
import HTTP
import Logging
import Sampler
import Store

/// Reloads the configuration while the agent runs. The config file and the web config file are
/// read and checked as at start; a config that does not load, or that changes more than its
/// targets and the endpoint's access (`auth:`, the web config), is refused and the running one
/// goes on (any other change names its field and needs a restart). Targets added start
/// sampling, removed ones stop and their history is freed, changed ones restart with their
/// history kept; the others keep their connections and ring buffers. Changed credentials,
/// headers, TLS settings or rate limit apply to the next connection and request. Reloads are
/// asked for through `requests` and run one at a time by `ReloadService`.
package actor ConfigReloader {
    /// What is running: the setup last loaded successfully.
    private var running: AgentSetup
    /// Loads the setup again (from the same flags, environment and files as at start).
    private let load: @Sendable () throws(ConfigError) -> AgentSetup
    private let fleet: TargetFleet
    private let store: SampleStore
    private let publisher: ExpositionPublisher
    private let statementTexts: StatementTextCatalog
    /// What the endpoint serves under.
    private let access: EndpointAccessState
    /// The `pgvigil_config_last_reload_*` gauges.
    private let outcome: ReloadOutcome
    private let logger: Logger
    private let wallClock: @Sendable () -> Double
    /// The reloads asked for, in order.
    nonisolated let requests = ReloadRequests()

    /// A reloader of `running`, applying to the fleet, the store and the publisher the agent runs.
    package init(
        running: AgentSetup, load: @escaping @Sendable () throws(ConfigError) -> AgentSetup, fleet: TargetFleet, store: SampleStore,
        publisher: ExpositionPublisher, statementTexts: StatementTextCatalog, access: EndpointAccessState, outcome: ReloadOutcome, logger: Logger,
        wallClock: @escaping @Sendable () -> Double
    ) {
        self.running = running
        self.load = load
        self.fleet = fleet
        self.store = store
        self.publisher = publisher
        self.statementTexts = statementTexts
        self.access = access
        self.outcome = outcome
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Reloads now; the summary of what changed, or why nothing did.
    private func reload() async -> Result<String, ConfigReloadError> {
        let result = await apply()
        switch result {
        case .success(let summary):
            outcome.succeeded(at: wallClock())
            logger.info("config reloaded", metadata: ["changes": "\(summary)"])
        case .failure(let error):
            outcome.failed()
            logger.error("config reload refused; the running config is kept", metadata: ["error": "\(error.message)"])
        }
        await publisher.agentFamiliesChanged()
        return result
    }

    /// Reloads now and answers as `POST /-/reload` does: 200 with what changed, or 500 with why
    /// nothing did, as Prometheus answers.
    func reloadResponse() async -> HTTPResponse {
        switch await reload() {
        case .success(let summary): .text(.ok, "config reloaded: \(summary)")
        case .failure(let error): .text(.internalServerError, "failed to reload config: \(error.message)")
        }
    }

    private func apply() async -> Result<String, ConfigReloadError> {
        let candidate: AgentSetup
        do {
            candidate = try load()
        } catch {
            return .failure(ConfigReloadError(message: error.description))
        }
        if let change = Self.unreloadableChange(from: running, to: candidate) {
            return .failure(
                ConfigReloadError(
                    message: "\(change) changed; in this version the targets and the endpoint's access reload: restart the agent to apply it"))
        }
        let targets: [MonitoredTarget]
        do {
            targets = try MonitoredTarget.all(from: candidate.config, statementTexts: statementTexts)
        } catch {
            return .failure(ConfigReloadError(message: "\(error)"))
        }
        let before = Dictionary(running.config.targets.map { ($0.name ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(candidate.config.targets.map { ($0.name ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        let restarted = Set(after.filter { name, target in before[name].map { $0 != target } ?? false }.keys)
        let added = after.keys.filter { before[$0] == nil }.sorted()
        let removed = before.keys.filter { after[$0] == nil }.sorted()
        // Access first: a revoked password must not wait for stopped targets' last cycles. An
        // unchanged web config and auth: keep their objects (the rate limit's bucket and counter).
        let accessChanged = candidate.web != running.web || candidate.config.auth != running.config.auth
        if accessChanged { access.update(candidate.access) }
        await fleet.apply(targets, restarted: restarted, store: store, publisher: publisher)
        for name in removed { statementTexts.clear(target: name) }
        running = candidate
        let parts = [("added", added), ("removed", removed), ("changed", restarted.sorted())].filter { !$0.1.isEmpty }
        let summary = parts.map { "\($0.0) targets \($0.1.joined(separator: ","))" } + (accessChanged ? ["the endpoint's access"] : [])
        return .success(summary.isEmpty ? "nothing changed" : summary.joined(separator: "; "))
    }

    /// The first part of the configuration that differs between `old` and `new` and does not
    /// reload, nil when none does.
    static func unreloadableChange(from old: AgentSetup, to new: AgentSetup) -> String? {
        comparisons(old.config, new.config).first { !$0.equal }?.key.stringValue
    }

    /// Each top-level field that needs a restart (all but `targets`, `auth` and `web_config_file`,
    /// which reload), and whether `old` and `new` agree on it.
    static func comparisons(_ old: AgentConfig, _ new: AgentConfig) -> [(key: AgentConfig.CodingKeys, equal: Bool)] {
        [
            (.listen, old.listen == new.listen), (.interval, old.interval == new.interval), (.history, old.history == new.history),
            (.timeout, old.timeout == new.timeout), (.collectors, old.collectors == new.collectors), (.alerts, old.alerts == new.alerts),
            (.http, old.http == new.http),
        ]
    }
}

/// Why a reload changed nothing.
package struct ConfigReloadError: Error, Sendable {
    /// What to fix, naming the file, line and field when the config did not load.
    package var message: String
}
