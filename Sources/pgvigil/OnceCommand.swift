// `pgvigil once`: one sampling cycle, the exposition on stdout.
import ArgumentParser
import Config
import FoundationEssentials
import PGVigil

#if canImport(Glibc)
import Glibc
#endif

/// Samples every target once and prints what /metrics would serve; exits 1 if a target is down.
struct OnceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "once", abstract: "Run one sampling cycle and print the exposition; exit 1 if a target could not be sampled.")

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var loggingOptions: LoggingOptions

    func run() async throws {
        let logger = loggingOptions.makeLogger()
        let overrides = configOptions.overrides()
        let result = try await AgentCommands.once(overrides: overrides, environment: ProcessInfo.processInfo.environment, logger: logger)
        print(result.exposition, terminator: "")
        if !result.failures.isEmpty {
            for failure in result.failures { printError("pgvigil: target \(failure.target) could not be sampled: \(failure.reason)") }
            throw ExitCode(1)
        }
    }
}

/// Writes `message` and a newline to stderr.
func printError(_ message: String) {
    var line = message + "\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
