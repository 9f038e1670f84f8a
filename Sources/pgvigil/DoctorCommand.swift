// `pgvigil doctor`: what each target's setup lacks for good monitoring, and how to fix it.
import ArgumentParser
import FoundationEssentials
import PGVigil

/// Checks every target's role and settings; exits 0 when clean, 1 with findings, 2 on bad usage.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check what good monitoring needs on each target (role, pg_stat_statements, settings, slots, PgBouncer stats_users).",
        discussion: "Exit 0 when no target has a finding, 1 with findings, 2 on bad usage or config.")

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var loggingOptions: LoggingOptions

    @Option(help: "text or json.")
    var output: DoctorOutput = .text

    func run() async throws {
        let examinations = try await AgentCommands.doctor(
            overrides: configOptions.overrides(), environment: ProcessInfo.processInfo.environment, logger: loggingOptions.makeLogger())
        print(output == .json ? DoctorReport.json(examinations) : DoctorReport.text(examinations), terminator: "")
        let code = DoctorReport.exitCode(examinations)
        if code != 0 { throw ExitCode(code) }
    }
}

/// A `--output` value.
enum DoctorOutput: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
