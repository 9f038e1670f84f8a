// The library's entry points for the command line: run, check-config, once, version.
import Logging

/// What the `pgvigil` executable calls. Configuration problems throw `ConfigError` (exit 2);
/// anything else thrown is a runtime failure (exit 1).
public enum AgentCommands {
    /// The agent's version.
    public static var version: String { SelfMetrics.version }

    /// Samples and serves until SIGTERM/SIGINT, then shuts down gracefully.
    public static func run(overrides: ConfigOverrides, environment: [String: String], logger: Logger) async throws {
        let config = try ConfigLoader.load(overrides: overrides, environment: environment)
        let agent = try Agent(config: config, environment: environment, logger: logger)
        logger.info("starting", metadata: [
            "version": "\(version)", "targets": "\(config.targets.compactMap(\.name).joined(separator: ","))",
            "interval": "\(config.interval)",
        ])
        try await agent.run()
    }

    /// The effective configuration as YAML with secrets masked; throws if it is invalid.
    public static func checkConfig(overrides: ConfigOverrides, environment: [String: String]) throws -> String {
        try EffectiveConfigPrinter.yaml(try ConfigLoader.load(overrides: overrides, environment: environment))
    }

    /// The result of one sampling cycle.
    public struct OnceResult: Sendable {
        /// The exposition, as /metrics would serve it.
        public var exposition: String
        /// Targets that could not be sampled, with the reason.
        public var failures: [(target: String, reason: String)]
    }

    /// Runs one sampling cycle of every target and returns the exposition.
    public static func once(overrides: ConfigOverrides, environment: [String: String], logger: Logger) async throws -> OnceResult {
        let config = try ConfigLoader.load(overrides: overrides, environment: environment)
        let agent = try Agent(config: config, environment: environment, logger: logger)
        let (exposition, statuses) = await agent.sampleOnce()
        return OnceResult(
            exposition: exposition,
            failures: statuses.filter { !$0.up }.map { ($0.name, $0.failureReason ?? "down") })
    }
}
