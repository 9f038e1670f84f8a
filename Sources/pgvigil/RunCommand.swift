// `pgvigil run`: sample and serve until SIGTERM/SIGINT.
import ArgumentParser
import Config
import FoundationEssentials
import PGVigil

/// Runs the agent.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Sample the targets and serve /metrics until stopped.")

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var loggingOptions: LoggingOptions

    @Option(name: .long, help: "HOST:PORT to serve HTTP on; :PORT for all interfaces (default :9432, also PGVIGIL_LISTEN).")
    var listen: String?

    @Option(name: .long, help: "Default sampling interval, e.g. 15s.")
    var interval: String?

    func run() async throws {
        let logger = loggingOptions.makeLogger()
        let overrides = configOptions.overrides(listen: listen, interval: interval)
        try await AgentCommands.run(overrides: overrides, environment: ProcessInfo.processInfo.environment, logger: logger)
    }
}
