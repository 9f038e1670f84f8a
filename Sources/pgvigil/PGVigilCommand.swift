// The `pgvigil` command line: subcommands, exit codes (0 ok, 1 runtime failure, 2 usage or config).
import ArgumentParser
import Config
import PGVigil

#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// The root command.
@main
struct PGVigilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pgvigil",
        abstract: "A monitoring agent for PostgreSQL: samples on timers, serves Prometheus /metrics and health checks.",
        subcommands: [RunCommand.self, CheckConfigCommand.self, OnceCommand.self, DoctorCommand.self, VersionCommand.self])

    /// Parses and runs, mapping ArgumentParser's usage exit code (64) to 2.
    static func main() async {
        limitMallocArenas()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exitFor(error)
        }
        leave(0)
    }

    /// Caps glibc's malloc arenas at two (unless `MALLOC_ARENA_MAX` says otherwise). By default
    /// glibc gives threads up to eight arenas per core, and each target's lane thread kept the
    /// freed pages of its own: 50 targets held 59.6 MiB with them, 57.0 with two (README
    /// "Footprint"). The threads seldom allocate at once, so sharing costs no measurable time.
    static func limitMallocArenas() {
        #if canImport(Glibc)
        if getenv("MALLOC_ARENA_MAX") == nil { mallopt(M_ARENA_MAX, 2) }
        #endif
    }

    /// Prints `error` and exits with pgvigil's code for it.
    static func exitFor(_ error: any Error) -> Never {
        if let configError = error as? ConfigError {
            printError("pgvigil: \(configError)")
            leave(2)
        }
        let code = exitCode(for: error)
        let message = fullMessage(for: error)
        if code == .success {
            if !message.isEmpty { print(message) }
            leave(0)
        }
        if code == .validationFailure {
            printError(message)
            leave(2)
        }
        if let exitCode = error as? ExitCode {
            leave(exitCode.rawValue)
        }
        printError("pgvigil: \(message)")
        leave(1)
    }

    /// Ends the process with `status` once what it printed is written, without running exit
    /// handlers: threads of the agent may still be inside libpq, OpenSSL or the Swift runtime
    /// (a query outliving its deadline's wait, a connect under way at SIGTERM), and the cleanup
    /// `exit()` runs would free what they use. Nothing of pgvigil's own waits for exit: the spool
    /// and the history file are written before their services return.
    static func leave(_ status: Int32) -> Never {
        fflush(nil)
        _exit(status)
    }
}
