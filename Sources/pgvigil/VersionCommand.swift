// `pgvigil version`.
import ArgumentParser
import PGVigil

/// Prints the version.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("pgvigil \(AgentCommands.version)")
    }
}
