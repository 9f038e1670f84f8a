// What the stuck-server suites share: a fast agent config, targets with their own application_name, scrape values.
@testable import Config
@testable import PGVigil
@testable import Postgres

/// The settings and helpers of `StuckServerTests` and `StoppedBackendTests`.
enum StuckServerScenario {
    static let interval: Duration = .seconds(1)
    static let timeout: Duration = .seconds(2)
    /// How long each call waits for a server that does not answer (3 s here).
    static let deadline = ClientDeadline(timeout: timeout).limit
    /// Rendering (at most every 250 ms), the scrape loop's polling (every 200 ms) and scheduling
    /// on a machine busy with the other suites.
    static let observationSlack: Duration = .seconds(3)

    /// An agent config sampling `targets` every `interval` with `timeout`.
    static func config(_ targets: [TargetConfig]) -> AgentConfig {
        var config = testConfig(targets: targets, interval: interval)
        config.timeout = ConfigDuration(timeout)
        return config
    }

    /// A target on the primary whose backends carry a name of their own (so only they are frozen
    /// or counted), visiting only `postgres` (so no other suite's database is ever held).
    static func primaryTarget(_ name: String, applicationName: String) -> TargetConfig {
        TargetConfig(name: name, dsn: TestCluster.primaryDSN + " application_name=\(applicationName)", databases: .list(["postgres"]))
    }

    /// The value of the family `name` for `target` (no other labels).
    static func value(_ scrape: Scrape, _ name: String, _ target: String) -> Double? {
        scrape.value(name, [("target", target)])
    }
}
