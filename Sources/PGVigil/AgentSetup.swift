// The config as loaded and checked, and what each layer builds from it, made once.
import Alerting
import Collectors
import Config
import HTTP
import RemoteWrite
import WebClient

/// What the agent runs: the effective config and what the layers made of it (the alerting plan,
/// the endpoint's credentials, TLS and limits), built once when the config is loaded, so a config that loads is one
/// that runs and receivers and credentials are not resolved twice.
package struct AgentSetup: Sendable {
    /// The effective configuration; with `sharding`, its targets are this agent's share only.
    package var config: AgentConfig
    /// The compiled rules and resolved receivers.
    package var alerting: AlertingPlan
    /// The remote-write endpoints and external labels.
    package var remoteWrite: RemoteWritePlan
    /// The web config file's settings (empty when no file is named).
    package var web: WebConfig
    /// What the endpoint makes of `auth:` and the web config: credentials resolved, TLS files
    /// read, headers, the rate limit.
    package var access: EndpointAccess
    /// The proxies webhooks go through, from the environment (`http_proxy`, `https_proxy`, `no_proxy`).
    package var proxies: ProxySettings = .none

    /// Loads the config for `overrides` and `environment` and builds every layer's plan; a
    /// problem names the file, line and field, or the environment variable.
    package static func load(overrides: ConfigOverrides, environment: [String: String]) throws(ConfigError) -> AgentSetup {
        var setup = try ConfigLoader.load(overrides: overrides, environment: environment) { config, web throws(ConfigProblem) in
            try make(from: config, web: web, environment: environment)
        }.checked
        do {
            setup.proxies = try ProxySettings(environment: environment)
        } catch {
            throw ConfigError(field: error.variable, message: "\(error.message) (environment variable)")
        }
        return setup
    }

    /// Checks `config` against what the collectors, alerting and the HTTP server accept, and
    /// builds their plans with the (checked) web config; `environment` fills `${VAR}` in receivers
    /// and `auth`.
    package static func make(
        from config: AgentConfig, web: WebConfig = WebConfig(), environment: [String: String]
    ) throws(ConfigProblem) -> AgentSetup {
        try CollectorRegistry.validate(config)
        var config = config
        if let sharding = config.sharding { config.targets = config.targets.filter { sharding.owns($0.name ?? "") } }
        return AgentSetup(
            config: config,
            alerting: try AlertingPlan.make(from: config, environment: environment),
            remoteWrite: try RemoteWritePlan.make(from: config, environment: environment),
            web: web,
            access: EndpointAccess(
                authenticator: try HTTPAuthenticator.resolve(config.auth, web: web, environment: environment),
                headers: web.httpServerConfig.headers,
                tls: try web.tlsServerConfig.map { tls throws(ConfigProblem) in try TLSContextSource(tls) },
                rateLimit: web.rateLimit.map { RequestRateLimit($0) }))
    }
}
