// The config as loaded and checked, and what each layer builds from it, made once.
import Alerting
import Collectors
import Config
import HTTP

/// What the agent runs: the effective config and what the layers made of it (the alerting plan,
/// the HTTP credentials and TLS context), built once when the config is loaded, so a config that loads is one
/// that runs and receivers and credentials are not resolved twice.
package struct AgentSetup: Sendable {
    /// The effective configuration.
    package var config: AgentConfig
    /// The compiled rules and resolved receivers.
    package var alerting: AlertingPlan
    /// The HTTP credentials, resolved; nil when none are configured.
    package var authenticator: HTTPAuthenticator?
    /// The web config file's settings (empty when no file is named).
    package var web: WebConfig
    /// The TLS contexts of the web config's `tls_server_config`, its files read; nil: plain HTTP.
    package var tls: TLSContextSource?
    /// The web config's `rate_limit`; nil: none.
    package var rateLimit: RequestRateLimit?

    /// Loads the config for `overrides` and `environment` and builds every layer's plan; a
    /// problem names the file, line and field.
    package static func load(overrides: ConfigOverrides, environment: [String: String]) throws(ConfigError) -> AgentSetup {
        try ConfigLoader.load(overrides: overrides, environment: environment) { config, web throws(ConfigProblem) in
            try make(from: config, web: web, environment: environment)
        }.checked
    }

    /// Checks `config` against what the collectors, alerting and the HTTP server accept, and
    /// builds their plans with the (checked) web config; `environment` fills `${VAR}` in receivers
    /// and `auth`.
    package static func make(
        from config: AgentConfig, web: WebConfig = WebConfig(), environment: [String: String]
    ) throws(ConfigProblem) -> AgentSetup {
        try CollectorRegistry.validate(config)
        return AgentSetup(
            config: config,
            alerting: try AlertingPlan.make(from: config, environment: environment),
            authenticator: try HTTPAuthenticator.resolve(config.auth, web: web, environment: environment),
            web: web,
            tls: try web.tlsServerConfig.map { tls throws(ConfigProblem) in try TLSContextSource(tls) },
            rateLimit: web.rateLimit.map { RequestRateLimit($0) })
    }
}
