// Keeps what ships beside the binary true: every metric a dashboard, a Prometheus rule or a default
// agent rule reads is one a running agent exports, and every family it exports is in README.md.

import Foundation
import TestSupport
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite struct PromQLMetricNameTests {
    @Test func readmeShorthandsExpand() {
        #expect(ReadmeMetricTable.expandBraces("a_{x,y}_total") == ["a_x_total", "a_y_total"])
    }

    @Test func namesAreFoundOutsideMatchersFunctionsAndGroupings() {
        let expr =
            #"sum by (target, datname) (rate(pg_stat_database_xact_commit_total{target=~"$target",datname!="x"}[$__rate_interval]))"#
            + #" / on(target) group_left pg_settings_max_connections > 0.5 or ALERTS{alertname="A b"} and topk(15, delta(x_bytes[1h]))"#
        #expect(ShippedQueries.metricNames(in: expr) == ["pg_stat_database_xact_commit_total", "pg_settings_max_connections", "ALERTS", "x_bytes"])
    }
}

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct MetricReferenceTests {
    @Test func everyShippedQueryReadsMetricsTheAgentExports() async throws {
        let example = ShippedQueries.repository.appendingPathComponent("examples/pgvigil.yaml").path
        let agentRules = try AlertingPlan.make(
            from: try AgentSetup.load(overrides: ConfigOverrides(configFile: example), environment: [:]).config, environment: [:]
        ).rules
        var referenced: [String: Set<String>] = [:]  // metric → where
        for query in try ShippedQueries.dashboards() + ShippedQueries.rules() {
            for name in ShippedQueries.metricNames(in: query.expr) where !ShippedQueries.madeByPrometheus.contains(name) {
                referenced[name, default: []].insert(query.source)
            }
        }
        for rule in agentRules { referenced[rule.expression.metric, default: []].insert("examples/pgvigil.yaml: \(rule.name)") }
        #expect(referenced.count > 30, "too few references found: the extraction is broken")

        let admin = try TestCluster.adminPrimary()
        // A range-partitioned table and a user table, so the partition and table families have samples.
        let partitioned = TestCluster.uniqueName("ranged")
        _ = try admin.query("CREATE TABLE \(partitioned) (at date NOT NULL) PARTITION BY RANGE (at)", [])
        _ = try admin.query("CREATE TABLE \(partitioned)_now PARTITION OF \(partitioned) FOR VALUES FROM ('2000-01-01') TO ('2100-01-01')", [])
        // Live and dead tuples, so this table ranks among the vacuum collector's top tables by dead
        // tuples and has a dead tuple ratio; flushed to the statistics before the session idles in a transaction.
        _ = try admin.query("INSERT INTO \(partitioned) SELECT current_date FROM generate_series(1, 1000)", [])
        _ = try admin.query("DELETE FROM \(partitioned) WHERE ctid IN (SELECT ctid FROM \(partitioned)_now LIMIT 500)", [])
        _ = try admin.query("SELECT pg_stat_force_next_flush()", [])
        // A sequence the monitoring role (scripts/pg-cluster.sh's pgvigil) may read, so the sequence families have samples.
        let sequence = TestCluster.uniqueName("counted")
        _ = try admin.query("CREATE SEQUENCE \(sequence)", [])
        defer { _ = try? admin.query("DROP SEQUENCE \(sequence)", []) }
        _ = try admin.query("SELECT nextval('\(sequence)')", [])
        _ = try admin.query("GRANT SELECT ON SEQUENCE \(sequence) TO pgvigil", [])
        _ = try admin.query("BEGIN", [])  // a client session, so the activity families have samples
        defer { _ = try? admin.query("ROLLBACK", []) }
        let receiver = try await WebhookReceiver()
        // Only `postgres` (where the tables above are) is visited: the collectors below run every
        // second, and visiting every database the other suites make would load the shared test process.
        var config = testConfig(targets: [
            TargetConfig(name: "primary", dsn: TestCluster.primaryDSN, databases: .list(["postgres"])),
            TargetConfig(name: "replica", dsn: TestCluster.replicaDSN, databases: .list(["postgres"])),
        ])
        // The optional parts too, so the README check below sees their families: statements and a PgBouncer.
        config.collectors["statements"] = CollectorOptions(enabled: true)
        // Trends (growth figures) from a short window (five points), so they exist within seconds.
        for collector in ["replication", "table_sizes", "sequences", "wraparound"] {
            config.collectors[collector] = CollectorOptions(interval: ConfigDuration(.seconds(1)), window: ConfigDuration(.seconds(30)))
        }
        if let bouncer = ProcessInfo.processInfo.environment["PGVIGIL_TEST_PGBOUNCER_DSN"] {
            var target = TargetConfig(name: "bouncer", dsn: bouncer)
            target.type = .pgbouncer
            config.targets.append(target)
        }
        // Alerting on, so its families (pgvigil_alerts_firing, pgvigil_notifications_total) exist.
        config.alerts.spool = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-spool-\(UUID().uuidString)").path
        config.alerts.rules = [AlertRuleConfig(alert: "Down", expr: "pg_up == 0")]
        config.alerts.receivers = [ReceiverConfig(name: "oncall", url: receiver.url())]
        // Remote write on, so its families exist (the receiver takes the requests).
        config.remoteWrite = [RemoteWriteConfig(url: receiver.url("/api/v1/write"))]
        try await RunningAgent.with(config) { agent in
            // Families that exist only in the state they report are not awaited: pg_settings_drift while
            // settings differ (SettingsDriftIntegrationTests), a forecast while its value rises
            // (ForecastIntegrationTests).
            let wanted = Set(referenced.keys.filter { $0 != "pg_settings_drift" && !$0.hasSuffix("_forecast_seconds") })
            let optional: Set<String> =
                config.targets.count > 2
                ? ["pg_stat_statements_calls_total", "pgbouncer_pools_client_active_connections"] : ["pg_stat_statements_calls_total"]
            // Up to a minute: under the other suites' load, five cycles of the trend collectors take a while.
            let scrape = try await agent.scrape(until: { wanted.union(optional).isSubset(of: $0.familyNames) }, timeout: .seconds(60))
            let missing = wanted.subtracting(scrape.familyNames).sorted()
            #expect(
                missing.isEmpty,
                "referenced but not exported: \(missing.map { "\($0) (\(referenced[$0, default: []].sorted().joined(separator: "; ")))" })")
            // And the other way: README.md's metric table documents every family exported.
            let table = try ReadmeMetricTable(path: ShippedQueries.repository.appendingPathComponent("README.md").path)
            let undocumented = scrape.familyNames.filter { !table.documents($0) }.sorted()
            #expect(undocumented.isEmpty, "exported but not in README.md's metric table: \(undocumented)")
        }
    }
}
