// Unit tests of the alerts section: compiled rules, receivers, and errors that name the field.

import Foundation
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil

@Suite struct AlertsConfigTests {
    private func load(_ alerts: String, environment: [String: String] = [:]) throws(ConfigError) -> AgentConfig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-\(UUID().uuidString).yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(("targets: [{ dsn: \"host=a\" }]\nalerts:\n" + alerts).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try AgentSetup.load(overrides: ConfigOverrides(configFile: path), environment: environment).config
    }

    private func loadError(_ alerts: String, environment: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try load(alerts, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func aProxyVariableOfAnotherSchemeStopsTheLoadNamingTheVariableNotItsValue() {
        let error = loadError("  receivers: []\n", environment: ["https_proxy": "socks5://user:secret@proxy:1080"])
        #expect(error?.field == "https_proxy")
        #expect(error?.description == "https_proxy: only http:// proxies are supported (environment variable)")
    }

    @Test func compilesRulesAndReceivers() throws {
        let config = try load(
            """
              evaluation_interval: 5s
              rules:
                - alert: ReplicationLagHigh
                  expr: pg_replication_lag_seconds > 30
                  for: 2m
                  resolve: pg_replication_lag_seconds < 10
                  labels: { severity: critical }
                  annotations: { summary: "{{ $labels.target }} is {{ $value }}s behind" }
              receivers:
                - name: oncall
                  url: https://hooks.example.invalid/x
                  headers: { Authorization: "Bearer ${ONCALL_TOKEN}" }
                - name: pd
                  url: https://events.pagerduty.com/v2/enqueue
                  format: pagerduty
                  routing_key: ${PD_KEY}
              spool: /tmp/pgvigil-test-spool
            """, environment: ["ONCALL_TOKEN": "t0k3n", "PD_KEY": "k3y"])
        let plan = try AlertingPlan.make(from: config, environment: ["ONCALL_TOKEN": "t0k3n", "PD_KEY": "k3y"])
        #expect(plan.rules.map(\.name) == ["ReplicationLagHigh"])
        #expect(plan.rules[0].holdDuration == .seconds(120))
        #expect(plan.rules[0].resolveExpression?.threshold == 10)
        #expect(plan.evaluationInterval == .seconds(5))
        #expect(plan.repeatInterval == .seconds(4 * 3600))
        #expect(plan.receivers[0].headers.first?.value == "Bearer t0k3n")
        #expect(plan.receivers[0].format == .alertmanager)
        #expect(plan.receivers[1].routingKey == "k3y")

        let printed = try EffectiveConfigPrinter.yaml(config)
        #expect(!printed.contains("t0k3n"))
        #expect(!printed.contains("k3y"))
        #expect(printed.contains("ReplicationLagHigh"))
    }

    @Test func badExpressionNamesTheFieldAndTheColumn() throws {
        let error = try #require(
            loadError(
                """
                  rules:
                    - alert: X
                      expr: avg(pg_up) < 1
                """))
        #expect(error.field == "alerts.rules[0].expr")
        #expect(error.line == 5)
        #expect(error.message.hasPrefix("column 1: unsupported function \"avg\""))
    }

    @Test func missingEnvironmentVariableIsNamed() throws {
        let error = try #require(
            loadError(
                """
                  receivers:
                    - name: oncall
                      url: https://hooks.example.invalid/x
                      headers: { Authorization: "Bearer ${ONCALL_TOKEN}" }
                """))
        #expect(error.field == "alerts.receivers[0].headers.Authorization")
        #expect(error.message == "environment variable ONCALL_TOKEN is not set")
    }

    @Test func pagerDutyNeedsARoutingKey() throws {
        let error = try #require(
            loadError(
                """
                  receivers:
                    - { name: pd, url: "https://events.pagerduty.com/v2/enqueue", format: pagerduty }
                """))
        #expect(error.field == "alerts.receivers[0].routing_key")
    }

    @Test func unknownFormatListsTheFormats() throws {
        let error = try #require(
            loadError(
                """
                  receivers:
                    - { name: x, url: "https://a.invalid/", format: teams }
                """))
        #expect(error.field == "alerts.receivers[0].format")
        #expect(error.message.contains("alertmanager, alertmanager-api, slack, pagerduty"))
    }

    @Test func resolveMustSelectTheSameMetric() throws {
        let error = try #require(
            loadError(
                """
                  rules:
                    - { alert: X, expr: "a > 1", resolve: "b < 1" }
                """))
        #expect(error.field == "alerts.rules[0].resolve")
    }

    @Test func badTemplateIsRejectedAtLoad() throws {
        let error = try #require(
            loadError(
                """
                  rules:
                    - { alert: X, expr: "a > 1", annotations: { summary: "{{ .Labels.target }}" } }
                """))
        #expect(error.field == "alerts.rules[0].annotations.summary")
    }

    @Test func duplicateRuleNamesAreRejected() throws {
        let error = try #require(
            loadError(
                """
                  rules:
                    - { alert: X, expr: "a > 1" }
                    - { alert: X, expr: "b > 1" }
                """))
        #expect(error.field == "alerts.rules[1].alert")
    }

    @Test func redactedURLsHideSecrets() {
        let slack = ReceiverSettings(name: "s", url: "https://hooks.slack.com/services/T0/B0/SECRET", format: .slack, headers: [], timeout: .zero)
        #expect(slack.redactedURL == "https://hooks.slack.com/***")
        let basic = ReceiverSettings(
            name: "b", url: "https://user:pw@am.example:9093/api/v2/alerts?token=x", format: .alertmanagerAPI, headers: [], timeout: .zero)
        #expect(basic.redactedURL == "https://***@am.example:9093/api/v2/alerts?***")
    }
}
