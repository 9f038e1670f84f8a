// Prints the effective configuration as YAML, with every password masked, for `check-config`.
import Alerting
import Config
import Postgres
import YAML

/// Renders an effective config for people to read; secrets never appear in it.
enum EffectiveConfigPrinter {
    /// `config` as YAML, DSN passwords, receiver header values, routing keys, URL secrets
    /// (user info, query, a Slack webhook's path) and the HTTP credentials replaced by `***`.
    package static func yaml(_ config: AgentConfig) throws -> String {
        var masked = config
        if masked.auth?.bearerToken != nil { masked.auth?.bearerToken = "***" }
        for index in masked.targets.indices {
            masked.targets[index].dsn = ConnectionString.redact(masked.targets[index].dsn)
        }
        for index in masked.alerts.receivers.indices {
            var receiver = masked.alerts.receivers[index]
            receiver.headers = receiver.headers?.mapValues { _ in "***" }
            receiver.routingKey = receiver.routingKey.map { _ in "***" }
            receiver.url = ReceiverSettings.redact(url: receiver.url, format: receiver.format ?? .alertmanager)
            masked.alerts.receivers[index] = receiver
        }
        return try YAMLEncoder().encode(masked)
    }
}
