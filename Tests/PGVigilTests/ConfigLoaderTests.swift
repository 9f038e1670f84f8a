// Unit tests of config loading: layering of file, environment and flags, and errors that point at the line.

import Foundation
import Testing

@testable import Collectors
@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite struct ConfigLoaderTests {
    private func load(
        _ yaml: String, overrides: ConfigOverrides = ConfigOverrides(), environment: [String: String] = [:]
    ) throws(ConfigError) -> AgentConfig {
        try ConfigFile.load(yaml, overrides: overrides, environment: environment)
    }

    private func loadError(_ yaml: String) -> ConfigError? { ConfigFile.loadError(yaml) }

    @Test func readsTheInterfaceExample() throws {
        let config = try load(
            """
            listen: "127.0.0.1:9500"
            interval: 5s
            history: 30m
            targets:
              - name: primary
                dsn: "host=10.0.0.5 port=5432 user=pgvigil dbname=postgres"
                labels: { cluster: main }
                databases: auto
              - dsn: "postgresql://pgvigil@replica.example:5433/postgres"
                databases: [app, billing]
            collectors:
              table_sizes: { interval: 5m, limit: 20 }
              cache_hit_ratio: { window: 10m }
              replication: { enabled: false }
            """)
        #expect(config.listen == "127.0.0.1:9500")
        #expect(config.interval.duration == .seconds(5))
        #expect(config.history.duration == .seconds(1800))
        #expect(config.targets.map(\.name) == ["primary", "replica.example:5433"])
        #expect(config.targets[0].labels == ["cluster": "main"])
        #expect(config.targets[1].databases == .list(["app", "billing"]))
        let schedule = CollectorRegistry.schedule(for: config, context: .unitTest)
        #expect(
            schedule.map(\.collector.name) == [
                "activity", "cache_hit_ratio", "table_sizes", "database", "locks", "wraparound", "checkpointer", "wal", "io", "settings",
                "vacuum", "indexes", "sequences", "partitions",
            ])
        #expect(
            schedule.map(\.interval) == [
                .seconds(5), .seconds(5), .seconds(300), .seconds(5), .seconds(5), .seconds(60), .seconds(5), .seconds(5), .seconds(5),
                .seconds(300), .seconds(60), .seconds(300), .seconds(60), .seconds(300),
            ])
        #expect((schedule[2].collector as? TableSizesCollector)?.limit == 20)
    }

    @Test func flagsBeatEnvironmentWhichBeatsTheFile() throws {
        let yaml = "listen: \":1000\"\ntargets: [{ dsn: \"host=filehost\" }]\n"
        let environment = ["PGVIGIL_LISTEN": ":2000", "PGVIGIL_DSN": "host=envhost port=6000"]
        let fromEnvironment = try load(yaml, environment: environment)
        #expect(fromEnvironment.listen == ":2000")
        #expect(fromEnvironment.targets.map(\.name) == ["envhost:6000"])
        let fromFlags = try load(
            yaml, overrides: ConfigOverrides(dsns: ["host=a", "host=b port=7"], listen: ":3000", interval: "1m"), environment: environment)
        #expect(fromFlags.listen == ":3000")
        #expect(fromFlags.interval.duration == .seconds(60))
        #expect(fromFlags.targets.map(\.name) == ["a:5432", "b:7"])
    }

    @Test func unknownFieldNamesLineAndField() throws {
        let error = try #require(
            loadError(
                """
                interval: 15s
                targets:
                  - dsn: "host=x"
                    lables: { a: b }
                """))
        #expect(error.line == 4)
        #expect(error.field == "targets[0].lables")
        #expect(error.message.contains("unknown field \"lables\""))
        #expect(error.description.hasPrefix(try #require(error.file) + ":4:"))
    }

    @Test func badDurationNamesTheField() throws {
        let error = try #require(loadError("interval: 15 seconds\ntargets: [{ dsn: \"host=x\" }]\n"))
        #expect(error.line == 1)
        #expect(error.field == "interval")
        #expect(error.message.contains("not a duration"))
    }

    @Test func wrongTypeNamesTheField() throws {
        let error = try #require(loadError("targets:\n  - dsn: [1, 2]\n"))
        #expect(error.field == "targets[0].dsn")
        #expect(error.line == 2)
    }

    @Test func yamlSyntaxErrorHasALine() throws {
        let error = try #require(loadError("targets:\n  - dsn: \"unterminated\n"))
        #expect(error.line != nil)
        #expect(error.message.contains("not valid YAML"))
    }

    @Test func duplicateTargetNamesAreRejectedAtTheSecond() throws {
        let error = try #require(
            loadError(
                """
                targets:
                  - { name: db, dsn: "host=a" }
                  - { name: db, dsn: "host=b" }
                """))
        #expect(error.field == "targets[1].name")
        #expect(error.line == 3)
    }

    @Test func invalidDSNNeverEchoesThePassword() throws {
        let error = try #require(loadError("targets:\n  - dsn: \"host=a password=hunter2 sslmode\"\n"))
        #expect(error.field == "targets[0].dsn")
        #expect(!error.description.contains("hunter2"))
    }

    @Test func unknownCollectorListsTheKnownOnes() throws {
        let error = try #require(loadError("targets: [{ dsn: \"host=a\" }]\ncollectors:\n  tables: { limit: 3 }\n"))
        #expect(error.field == "collectors.tables")
        #expect(error.message.contains("table_sizes"))
        #expect(error.line == 3)
    }

    @Test func optionAColectorDoesNotHaveIsRejected() throws {
        let error = try #require(loadError("targets: [{ dsn: \"host=a\" }]\ncollectors:\n  activity: { limit: 3 }\n"))
        #expect(error.field == "collectors.activity.limit")
        let budget = try #require(loadError("targets: [{ dsn: \"host=a\" }]\ncollectors:\n  wraparound: { budget_bytes: 3 }\n"))
        #expect(budget.field == "collectors.wraparound.budget_bytes" && budget.message.contains("no budget_bytes option"))
    }

    @Test func reservedLabelNameIsRejected() throws {
        let error = try #require(loadError("targets: [{ dsn: \"host=a\", labels: { datname: x } }]\n"))
        #expect(error.field == "targets[0].labels")
        #expect(error.message.contains("datname"))
    }

    @Test func excludeDatabasesIsARegexForAutoOnly() throws {
        let config = try load("targets: [{ dsn: \"host=a\", exclude_databases: \"scratch_.*|tmp\" }]\n")
        #expect(config.targets[0].excludeDatabases == "scratch_.*|tmp")
        #expect(DatabaseSelection.auto.select(from: ["app", "scratch_1", "tmp", "tmp2"], excluding: "scratch_.*|tmp").visit == ["app", "tmp2"])
        let listed = try #require(loadError("targets: [{ dsn: \"host=a\", databases: [app], exclude_databases: x }]\n"))
        #expect(listed.field == "targets[0].exclude_databases")
        let broken = try #require(loadError("targets: [{ dsn: \"host=a\", exclude_databases: \"(\" }]\n"))
        #expect(broken.message.contains("not a regular expression"))
    }

    @Test func pgBouncerTargetsGetOnlyThePgBouncerCollector() throws {
        let config = try load("targets: [{ name: b, type: pgbouncer, dsn: \"host=a port=6432 dbname=pgbouncer\" }]\n")
        #expect(config.targets[0].type == .pgbouncer)
        #expect(CollectorRegistry.schedule(for: config, kind: .pgbouncer, context: .unitTest).map(\.collector.name) == ["pgbouncer"])
        let unknown = try #require(loadError("targets: [{ type: pgpool, dsn: \"host=a\" }]\n"))
        #expect(unknown.field == "targets[0].type")
        #expect(unknown.message.contains("postgresql, pgbouncer"))
        let databases = try #require(loadError("targets: [{ type: pgbouncer, dsn: \"host=a\", databases: [x] }]\n"))
        #expect(databases.field == "targets[0].databases")
    }

    @Test func noTargetsIsAnError() throws {
        let error = try #require(loadError("interval: 15s\n"))
        #expect(error.field == "targets")
    }

    @Test func badListenFlagNamesTheFlag() {
        #expect(throws: ConfigError.self) {
            _ = try load("targets: [{ dsn: \"host=a\" }]\n", overrides: ConfigOverrides(listen: "9432"))
        }
    }
}

/// What a reload may change: the targets, alerting (but its spool) and the endpoint's access; every other field is compared.
@Suite struct ConfigReloadScopeTests {
    @Test func everyTopLevelFieldButTargetsAlertsAndTheEndpointsAccessIsCompared() {
        let compared = Set(ConfigReloader.comparisons(AgentConfig(), AgentConfig()).map(\.field))
        let reloaded: Set<AgentConfig.CodingKeys> = [.targets, .alerts, .auth, .webConfigFile]
        #expect(compared == Set(AgentConfig.CodingKeys.allCases.filter { !reloaded.contains($0) }.map(\.stringValue) + ["alerts.spool"]))
    }

    @Test func aChangeOutsideWhatReloadsNamesItsField() {
        var old = AgentConfig()
        old.targets = [TargetConfig(name: "a", dsn: "host=a")]
        var new = old
        new.targets.append(TargetConfig(name: "b", dsn: "host=b"))
        new.alerts.rules = [AlertRuleConfig(alert: "Down", expr: "pg_up < 1")]
        new.alerts.repeatInterval = ConfigDuration(.seconds(60))
        #expect(ConfigReloader.comparisons(old, new).allSatisfy { $0.equal })
        new.http.maxConnections = 7
        new.alerts.spool = "/elsewhere"
        #expect(ConfigReloader.comparisons(old, new).filter { !$0.equal }.map(\.field) == ["http", "alerts.spool"])
    }

    @Test func namedChangesTellAddedRemovedAndChanged() {
        let changes = NamedChanges([("a", 1), ("b", 2), ("c", 3)], [("d", 4), ("b", 2), ("a", 9)])
        #expect(changes.added == ["d"] && changes.removed == ["c"] && changes.changed == ["a"])
        #expect(changes.summary(of: "rules") == ["added rules d", "removed rules c", "changed rules a"])
        #expect(NamedChanges([("a", 1)], [("a", 1)]).summary(of: "rules").isEmpty)
    }
}
