// The library's entry points for the command line: run, check-config, once, doctor, version.
import Config
import Logging
import Support

/// What the `pgvigil` executable calls. Configuration problems throw `ConfigError` (exit 2);
/// anything else thrown is a runtime failure (exit 1).
package enum AgentCommands {
    /// The agent's version.
    package static var version: String { PGVigilVersion.current }

    /// Samples and serves until SIGTERM/SIGINT, then shuts down gracefully; SIGHUP reloads the config.
    package static func run(overrides: ConfigOverrides, environment: [String: String], logger: Logger) async throws {
        let setup = try AgentSetup.load(overrides: overrides, environment: environment)
        let config = setup.config
        // SIGHUP and POST /-/reload load it again the same way: the same flags, environment and files.
        let agent = try Agent(
            setup: setup, reload: { () throws(ConfigError) -> AgentSetup in try AgentSetup.load(overrides: overrides, environment: environment) },
            logger: logger)
        logger.info(
            "starting",
            metadata: [
                "version": "\(version)", "targets": "\(config.targets.compactMap(\.name).joined(separator: ","))",
                "interval": "\(config.interval)",
            ])
        try await agent.run()
    }

    /// The effective configuration as YAML with secrets masked; throws if it is invalid.
    package static func checkConfig(overrides: ConfigOverrides, environment: [String: String]) throws -> String {
        try EffectiveConfigPrinter.yaml(try AgentSetup.load(overrides: overrides, environment: environment).config)
    }

    /// What `pgvigil doctor` finds on each target the agent would sample: the config's and those
    /// its file_sd files list now.
    package static func doctor(overrides: ConfigOverrides, environment: [String: String], logger: Logger) async throws -> [DoctorExamination] {
        let config = try AgentSetup.load(overrides: overrides, environment: environment).config
        let discovered = FileDiscovery(entries: config.fileSD, logger: logger).refresh(now: WallClock.now()) ?? []
        return await Doctor.examine(config.with(discovered: discovered))
    }

    /// The result of one sampling cycle.
    package struct OnceResult: Sendable {
        /// The exposition, as /metrics would serve it.
        package var exposition: String
        /// Targets that could not be sampled, with the reason.
        package var failures: [(target: String, reason: String)]
    }

    /// Runs one sampling cycle of every target and returns the exposition.
    package static func once(overrides: ConfigOverrides, environment: [String: String], logger: Logger) async throws -> OnceResult {
        let agent = try Agent(setup: try AgentSetup.load(overrides: overrides, environment: environment), keepingHistory: false, logger: logger)
        let (exposition, statuses) = await agent.sampleOnce()
        return OnceResult(
            exposition: exposition,
            failures: statuses.filter { !$0.up }.map { ($0.name, $0.failureReason ?? "down") })
    }
}
