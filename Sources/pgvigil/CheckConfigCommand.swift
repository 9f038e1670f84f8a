// `pgvigil check-config`: validate and print the effective config with secrets masked.
import ArgumentParser
import Config
import FoundationEssentials
import PGVigil

/// Validates the configuration.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate the config and print the effective settings (secrets masked); exit 0 or 2.")

    @OptionGroup var configOptions: ConfigOptions

    func run() throws {
        let overrides = configOptions.overrides()
        print(try AgentCommands.checkConfig(overrides: overrides, environment: ProcessInfo.processInfo.environment), terminator: "")
    }
}
