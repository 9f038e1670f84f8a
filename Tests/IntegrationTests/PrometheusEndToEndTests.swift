// A real Prometheus (Debian's) on loopback scraping a real agent, with alerts/ loaded and every
// dashboard query evaluated: what users run beside pgvigil, working with it.

import Foundation
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus")),
        "needs the test servers and prometheus"))
struct PrometheusEndToEndTests {
    @Test func prometheusScrapesTheAgentLoadsTheRulesAndEvaluatesEveryDashboardQuery() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-prometheus-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let maxConnections = try #require(
            try TestCluster.adminPrimary().query("SELECT setting::float8 AS value FROM pg_settings WHERE name = 'max_connections'", [])
                .rows.first?.double("value"))
        var config = testConfig(targets: [
            TargetConfig(name: "primary", dsn: TestCluster.primaryDSN), TargetConfig(name: "replica", dsn: TestCluster.replicaDSN),
        ])
        // Scrapes need the bearer token or a web config user, as a deployment exposed beyond
        // localhost would set up; a second job scrapes with basic auth, a third with a wrong password.
        let token = "e2e-\(UUID().uuidString)"
        config.auth = HTTPAuthConfig(bearerToken: token)
        var web = WebConfig()
        web.basicAuthUsers = ["prometheus": try Htpasswd.hash("prometheus", "e2e-basic-secret", cost: 5)]
        try await RunningAgent.with(config, web: web) { agent in
            // A raw request: URLSession on Linux waits forever on a Basic challenge it has no credentials for.
            let bare = try LoopbackClient(port: agent.port)
            bare.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await bare.readSome().hasPrefix("HTTP/1.1 401"))
            #expect(try await agent.get("/healthz").status == 200)
            let rules = try ShippedQueries.files("alerts", suffix: ".rules.yml").map { "  - \($0.path)" }.joined(separator: "\n")
            let prometheus = try await RunningPrometheus.start(
                config: """
                    global: { scrape_interval: 1s, evaluation_interval: 1s }
                    rule_files:
                    \(rules)
                    scrape_configs:
                      - job_name: pgvigil
                        authorization: { credentials: "\(token)" }
                        static_configs: [{ targets: ["127.0.0.1:\(agent.port)"] }]
                      - job_name: pgvigil-basic-auth
                        basic_auth: { username: prometheus, password: e2e-basic-secret }
                        static_configs: [{ targets: ["127.0.0.1:\(agent.port)"] }]
                      - job_name: pgvigil-wrong-password
                        basic_auth: { username: prometheus, password: e2e-basic-secreT }
                        static_configs: [{ targets: ["127.0.0.1:\(agent.port)"] }]
                    """, in: directory)
            defer { prometheus.peer.stop() }

            // Two scrapes with the token, both up.
            let scraped = try await waitUntil(timeout: .seconds(30)) {
                try await prometheus.query(#"count_over_time(up{job="pgvigil"}[1m])"#).first?.1 ?? 0 >= 2
            }
            #expect(scraped)
            #expect(try await prometheus.query(#"up{job="pgvigil"}"#).first?.1 == 1)
            // The first basic-auth scrape may outlast its 1 s timeout on a loaded machine (bcrypt);
            // the check's pass is remembered, so a later one is up.
            let basicUp = try await waitUntil(timeout: .seconds(30)) {
                try await prometheus.query(#"up{job="pgvigil-basic-auth"}"#).first?.1 == 1
            }
            #expect(basicUp)
            #expect(try await prometheus.query(#"max_over_time(up{job="pgvigil-wrong-password"}[1m])"#).first?.1 == 0)
            // pgvigil's series, with the values PostgreSQL itself reports (once the agent's first
            // cycle is done: its first scrapes may come before).
            var limit: [([String: String], Double)] = []
            _ = try await waitUntil(timeout: .seconds(30)) {
                limit = try await prometheus.query(#"pg_settings_max_connections{job="pgvigil",target="primary"}"#)
                let roles = try await prometheus.query(#"pg_in_recovery{job="pgvigil"}"#)
                return !limit.isEmpty && roles.count == 2
            }
            #expect(limit.first?.1 == maxConnections)
            #expect(limit.first?.0["instance"] == "127.0.0.1:\(agent.port)")
            #expect(try await prometheus.query(#"pg_in_recovery{target="replica"}"#).first?.1 == 1)
            #expect(try await prometheus.query(#"pg_in_recovery{target="primary"}"#).first?.1 == 0)

            // alerts/ loads, and every rule evaluates without error.
            var rulesHealth: [(String, String)] = []
            let evaluated = try await waitUntil(timeout: .seconds(20)) {
                let groups = ((try await prometheus.api("/api/v1/rules"))["data"] as? [String: Any])?["groups"] as? [[String: Any]] ?? []
                rulesHealth = groups.flatMap {
                    ($0["rules"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["health"] as? String ?? "") }
                }
                return !rulesHealth.isEmpty && rulesHealth.allSatisfy { $0.1 == "ok" }
            }
            #expect(evaluated, "rules: \(rulesHealth)")
            #expect(rulesHealth.count == (try ShippedQueries.rules()).count)

            // Every dashboard query (its variables set to "all") is valid PromQL that Prometheus evaluates.
            for query in try ShippedQueries.dashboards() {
                let expr = query.expr.replacingOccurrences(of: "$__rate_interval", with: "1m")
                    .replacingOccurrences(of: "$target", with: ".*").replacingOccurrences(of: "$datname", with: ".*")
                let answer = try await prometheus.api("/api/v1/query", ["query": expr])
                #expect(answer["status"] as? String == "success", "\(query.source): \(expr): \(answer["error"] ?? "")")
            }
        }
    }
}
