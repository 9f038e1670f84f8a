// Prints the effective configuration as YAML, with every password masked, for `check-config`.
import Alerting
import Config
import Postgres
import YAML

/// Renders an effective config for people to read; secrets never appear in it.
enum EffectiveConfigPrinter {
    /// `config` as YAML, DSN (and file_sd template) passwords, receiver and remote-write header
    /// values, routing keys, URL secrets (user info, query, a Slack webhook's path), remote-write
    /// tokens and passwords, and the HTTP credentials replaced by `***`.
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
        for index in masked.remoteWrite.indices {
            var remote = masked.remoteWrite[index]
            remote.url = ReceiverSettings.redact(url: remote.url, format: .alertmanager)
            remote.headers = remote.headers?.mapValues { _ in "***" }
            remote.bearerToken = remote.bearerToken.map { _ in "***" }
            remote.basicAuth?.password = "***"
            masked.remoteWrite[index] = remote
        }
        for index in masked.fileSD.indices {
            masked.fileSD[index].dsnTemplate = ConnectionString.redact(masked.fileSD[index].dsnTemplate)
        }
        return try YAMLEncoder().encode(masked)
    }
}
