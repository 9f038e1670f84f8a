// Re-reads the config and the web config (SIGHUP, POST /-/reload) and applies changed targets, alerting and access.
import Alerting
import Config
import Exposition
import HTTP
import Logging
import Sampler
import Store

/// Reloads the configuration while the agent runs. The config file and the web config file are
/// read and checked as at start; a config that does not load, or that changes more than its
/// targets, its alerting (all of `alerts:` but the spool directory) and the endpoint's access
/// (`auth:`, the web config), is refused and the running one goes on (any other change names its
/// field and needs a restart). Targets added start sampling, removed ones stop and their history
/// is freed, changed ones restart with their history kept; the others keep their connections
/// and stored history. Rules and receivers change between two evaluation rounds (see
/// `AlertingService`); alert state and spooled notifications are kept. Changed credentials,
/// headers, TLS settings or rate limit apply to the next connection and request. Reloads are
/// asked for through `requests` and run one at a time by `ReloadService`.
package actor ConfigReloader {
    /// What is running: the setup last loaded successfully.
    private var running: AgentSetup
    /// Loads the setup again (from the same flags, environment and files as at start).
    private let load: @Sendable () throws(ConfigError) -> AgentSetup
    private let fleet: TargetFleet
    private let alerting: AlertingService
    private let store: SampleStore
    private let publisher: ExpositionPublisher
    private let sideResults: CollectorSideResults
    /// What the endpoint serves under.
    private let access: EndpointAccessState
    /// The `pgvigil_config_last_reload_*` gauges.
    private let outcome: ReloadOutcome
    private let logger: Logger
    private let wallClock: @Sendable () -> Double
    /// The targets the file_sd files listed last, sampled besides the config's own.
    private var discovered: [TargetConfig]
    /// Whether alerting has opened its state and spool (the config had rules or receivers at
    /// start or at a reload): from then on, `alerts.spool` needs a restart.
    private var alertingOpened: Bool
    /// The reloads asked for, in order.
    nonisolated let requests = ReloadRequests()

    /// A reloader of `running`, applying to the fleet, the store and the publisher the agent runs.
    package init(
        running: AgentSetup, discovered: [TargetConfig], load: @escaping @Sendable () throws(ConfigError) -> AgentSetup, fleet: TargetFleet,
        alerting: AlertingService,
        store: SampleStore, publisher: ExpositionPublisher, sideResults: CollectorSideResults, access: EndpointAccessState, outcome: ReloadOutcome,
        logger: Logger,
        wallClock: @escaping @Sendable () -> Double
    ) {
        self.running = running
        self.discovered = discovered
        alertingOpened = !running.alerting.isEmpty
        self.load = load
        self.fleet = fleet
        self.alerting = alerting
        self.store = store
        self.publisher = publisher
        self.sideResults = sideResults
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
        if let change = Self.unreloadableChange(from: running, to: candidate, alertingOpened: alertingOpened) {
            return .failure(
                ConfigReloadError(
                    message:
                        "\(change) changed; the targets, alerts (but their spool) and the endpoint's access reload: restart the agent to apply it"))
        }
        let previous = running
        let (before, after) = (previous.config.with(discovered: discovered), candidate.config.with(discovered: discovered))
        let targets: [MonitoredTarget]
        do {
            targets = try MonitoredTarget.all(from: after, sideResults: sideResults)
        } catch {
            return .failure(ConfigReloadError(message: "\(error)"))
        }
        let alertsChanged = candidate.config.alerts != previous.config.alerts
        let alertingChange: AlertingChange?
        do {
            alertingChange =
                alertsChanged ? try alerting.prepare(candidate.alerting, replacing: previous.alerting, openingBook: !alertingOpened) : nil
        } catch {
            return .failure(ConfigReloadError(message: "alerts: \(error)"))
        }
        // Access first: a revoked password must not wait for stopped targets' last cycles. An
        // unchanged web config and auth: keep their objects (the rate limit's bucket and counter).
        let accessChanged = candidate.web != previous.web || candidate.config.auth != previous.config.auth
        if accessChanged { access.update(candidate.access) }
        let targetChanges = await apply(targets, from: before, to: after)
        if let alertingChange, !(await alerting.apply(alertingChange)) {
            return .failure(ConfigReloadError(message: "alerting is stopping; the alerts were not reloaded"))
        }
        running = candidate
        alertingOpened = alertingOpened || !candidate.alerting.isEmpty
        var summary = targetChanges.summary(of: "targets")
        if alertsChanged {
            let old = previous.config.alerts
            summary += NamedChanges(old.rules.map { ($0.alert, $0) }, candidate.config.alerts.rules.map { ($0.alert, $0) }).summary(of: "rules")
            summary += NamedChanges(old.receivers.map { ($0.name, $0) }, candidate.config.alerts.receivers.map { ($0.name, $0) }).summary(
                of: "receivers")
            var settings = old
            settings.rules = candidate.config.alerts.rules
            settings.receivers = candidate.config.alerts.receivers
            if settings != candidate.config.alerts { summary.append("the alerting settings") }
        }
        if accessChanged { summary.append("the endpoint's access") }
        return .success(summary.isEmpty ? "nothing changed" : summary.joined(separator: "; "))
    }

    /// Samples `targets` (made from `new`'s target list) instead of `old`'s: what changed stops,
    /// what is new starts (see `TargetFleet.apply`).
    private func apply(_ targets: [MonitoredTarget], from old: AgentConfig, to new: AgentConfig) async -> NamedChanges {
        let changes = NamedChanges(old.targets.map { ($0.name ?? "", $0) }, new.targets.map { ($0.name ?? "", $0) })
        await fleet.apply(targets, restarted: Set(changes.changed), store: store, publisher: publisher)
        for name in changes.removed { sideResults.clear(target: name) }
        return changes
    }

    /// Samples the targets the file_sd files list now (`discovered`) besides the config's own.
    func apply(discovered targets: [TargetConfig]) async {
        let before = running.config.with(discovered: discovered)
        let after = running.config.with(discovered: targets)
        do {
            let monitored = try MonitoredTarget.all(from: after, sideResults: sideResults)
            discovered = targets
            let changes = await apply(monitored, from: before, to: after)
            let summary = changes.summary(of: "targets")
            if !summary.isEmpty { logger.info("file_sd: the targets changed", metadata: ["changes": "\(summary.joined(separator: "; "))"]) }
        } catch {
            logger.error("file_sd: the discovered targets cannot be sampled; the previous ones go on", metadata: ["error": "\(error)"])
        }
    }

    /// The first part of the configuration that differs between `old` and `new` and does not
    /// reload, nil when none does; `alerts.spool` may change until alerting has opened it.
    static func unreloadableChange(from old: AgentSetup, to new: AgentSetup, alertingOpened: Bool) -> String? {
        comparisons(old.config, new.config).first { !$0.equal && (alertingOpened || $0.field != spoolField) }?.field
    }

    /// `alerts.spool`, where alert state and spooled notifications live.
    static let spoolField = AgentConfig.CodingKeys.alerts.stringValue + "." + AlertsConfig.CodingKeys.spool.stringValue

    /// Each field that needs a restart (every top-level one but `targets`, `alerts`, `auth` and
    /// `web_config_file`, which reload, and `alerts.spool`, where alert state and spooled
    /// notifications live), and whether `old` and `new` agree on it.
    static func comparisons(_ old: AgentConfig, _ new: AgentConfig) -> [(field: String, equal: Bool)] {
        let topLevel: [(AgentConfig.CodingKeys, Bool)] = [
            (.listen, old.listen == new.listen), (.interval, old.interval == new.interval), (.history, old.history == new.history),
            (.timeout, old.timeout == new.timeout), (.collectors, old.collectors == new.collectors), (.http, old.http == new.http),
            (.remoteWrite, old.remoteWrite == new.remoteWrite), (.externalLabels, old.externalLabels == new.externalLabels),
            (.sharding, old.sharding == new.sharding), (.fileSD, old.fileSD == new.fileSD),
            (.stateDirectory, old.stateDirectory == new.stateDirectory), (.historyTiers, old.historyTiers == new.historyTiers),
        ]
        return topLevel.map { (field: $0.0.stringValue, equal: $0.1) } + [(field: spoolField, equal: old.alerts.spool == new.alerts.spool)]
    }
}

/// Why a reload changed nothing.
package struct ConfigReloadError: Error, Sendable {
    /// What to fix, naming the file, line and field when the config did not load.
    package var message: String
}
