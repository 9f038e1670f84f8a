// `pgvigil version`.
import ArgumentParser
import PGVigil
import Postgres

/// Prints the version, and those of the client libraries linked in.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("pgvigil \(AgentCommands.version) (libpq \(ClientLibraries.libpq), OpenSSL \(ClientLibraries.openSSL))")
    }
}
