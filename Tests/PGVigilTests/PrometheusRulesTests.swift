// Keeps alerts/pgvigil.rules.yml equivalent to the agent's default rules in examples/pgvigil.yaml.

import Exposition
import Foundation
import Testing
import YAML

@testable import Alerting
@testable import Config
@testable import PGVigil

@Suite struct PrometheusRulesTests {
    /// The part of a Prometheus rule file this test reads.
    struct RuleFile: Decodable {
        struct Group: Decodable {
            var name: String
            var rules: [Rule]
        }

        struct Rule: Decodable {
            var alert: String
            var expr: String
            var `for`: String?
            var labels: [String: String]?
        }

        var groups: [Group]
    }

    static var rulesPath: String {
        URL(fileURLWithPath: ExampleConfigTests.examplePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("alerts/pgvigil.rules.yml").path
    }

    /// `text` with runs of whitespace collapsed to one space.
    private func collapsed(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func theDefaultRulesHaveTheirTwins() throws {
        let file = try YAMLDecoder().decode(RuleFile.self, from: String(contentsOfFile: Self.rulesPath, encoding: .utf8))
        let postgresqlRules = try #require(file.groups.first { $0.name == "postgresql" }).rules
        let pgvigilRules = try #require(file.groups.first { $0.name == "pgvigil" }).rules
        let prometheusRules = postgresqlRules + pgvigilRules
        let config = try AgentSetup.load(overrides: ConfigOverrides(configFile: ExampleConfigTests.examplePath), environment: [:]).config
        let agentRules = config.alerts.rules
        // The agent's rules on itself (Pgvigil…) sit in the `pgvigil` group, beside rules only Prometheus can evaluate.
        let agentOwnRules = agentRules.filter { $0.alert.hasPrefix("Pgvigil") }
        #expect(!agentOwnRules.isEmpty)
        #expect(postgresqlRules.map(\.alert) == agentRules.filter { !$0.alert.hasPrefix("Pgvigil") }.map(\.alert))
        for rule in agentOwnRules {
            #expect(pgvigilRules.contains { $0.alert == rule.alert }, "\(rule.alert) has no twin in the pgvigil group")
        }
        for agentRule in agentRules {
            guard let rule = prometheusRules.first(where: { $0.alert == agentRule.alert }) else { continue }
            let expression = collapsed(rule.expr)
            // The firing condition is the agent's expression, verbatim (it is PromQL already).
            #expect(expression.hasPrefix(collapsed(agentRule.expr)), "\(rule.alert): \(expression)")
            #expect(rule.for.flatMap { ConfigDuration(parsing: $0) }?.duration == agentRule.for?.duration, "\(rule.alert): for")
            #expect(rule.labels == agentRule.labels, "\(rule.alert): labels")
            if let resolve = agentRule.resolve {
                // Hysteresis: while firing, the alert holds until the resolve condition is met.
                let parsed = try RuleExpressionParser.parse(resolve)
                let holding = parsed.comparison == .less ? ">=" : "<="
                let branch =
                    "or (\(collapsed(resolve).components(separatedBy: " ")[0]) \(holding) \(PrometheusTextEncoder.formatValue(parsed.threshold))"
                    + " and ignoring(alertname, alertstate, severity) ALERTS{alertname=\"\(rule.alert)\", alertstate=\"firing\"})"
                #expect(expression.hasSuffix(branch), "\(rule.alert): \(expression)")
            } else {
                #expect(expression == collapsed(agentRule.expr), "\(rule.alert): \(expression)")
            }
        }
    }
}
