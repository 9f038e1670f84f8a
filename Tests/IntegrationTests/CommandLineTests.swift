// The pgvigil binary as operators run it: exit codes, messages, and no secrets in its output.
import Foundation
import TestSupport
import Testing

/// The built binary, as scripts/test.sh names it.
private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""

@Suite(.enabled(if: TestCluster.runs(if: !binary.isEmpty), "needs PGVIGIL_TEST_BINARY from scripts/test.sh"))
struct CommandLineTests {
    /// Runs the binary with `arguments` and returns its exit status, stdout and stderr.
    private func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { a, _ in a }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    private func writeConfig(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-cli-\(UUID().uuidString).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func versionExitsZero() throws {
        let result = try run(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("pgvigil "))
    }

    @Test func checkConfigPrintsTheEffectiveConfigWithThePasswordMasked() throws {
        let path = try writeConfig("targets:\n  - name: db\n    dsn: \"host=127.0.0.1 password=topsecret user=x\"\n")
        let result = try run(["check-config", "--config", path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("password=***"))
        #expect(result.stdout.contains("interval: 15s"))
        #expect(!result.stdout.contains("topsecret"))
    }

    @Test func brokenConfigExitsTwoNamingFileLineAndField() throws {
        let path = try writeConfig("targets:\n  - dsn: \"host=a\"\n    intervall: 5s\n")
        let result = try run(["check-config", "--config", path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(path):3:"))
        #expect(result.stderr.contains("targets[0].intervall"))
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try run(["run", "--no-such-flag"]).status == 2)
        #expect(try run(["run", "--dsn", "host=a", "--listen", "nonsense"]).status == 2)
        #expect(try run(["check-config"]).status == 2)  // no targets anywhere
    }

    @Test func onceAgainstAnUnreachableServerExitsOneWithoutThePassword() throws {
        let result = try run(["once", "--dsn", "host=127.0.0.1 port=1 user=x password=hunter2hunter2 connect_timeout=2"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("pg_up{target=\"127.0.0.1:1\"} 0"))
        #expect(result.stderr.contains("127.0.0.1:1"))
        #expect(!result.stderr.contains("hunter2hunter2"))
        #expect(!result.stdout.contains("hunter2hunter2"))
    }

    @Test func runStopsGracefullyOnSIGTERMWithExitZero() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--dsn", "host=127.0.0.1 port=1 connect_timeout=1", "--listen", "127.0.0.1:0"]
        let err = Pipe()
        process.standardError = err
        try process.run()
        // Wait until it logs that it listens, then stop it.
        var logged = Data()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, !String(decoding: logged, as: UTF8.self).contains("msg=listening") {
            logged.append(err.fileHandleForReading.availableData)
        }
        #expect(String(decoding: logged, as: UTF8.self).contains("msg=listening"))
        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }

    /// Starts `pgvigil run` on 127.0.0.1:`port` and waits until it logs that it listens (or exits).
    private func startListening(port: Int) throws -> ListeningAgent {
        try ListeningAgent.start(binary, ["--dsn", "host=127.0.0.1 port=1 connect_timeout=1", "--listen", "127.0.0.1:\(port)"])
    }

    @Test func aRestartAfterACrashBindsTheSamePortAtOnce() async throws {
        // The first agent takes a free port from the kernel (a random pick may be in use); the
        // second must bind that same port right after the first is killed.
        let first = try startListening(port: 0)
        let port = try #require(first.port, "\(first.log)")
        // A served connection leaves the port in TIME_WAIT once the process dies.
        let client = try LoopbackClient(port: port)
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await client.readSome().hasPrefix("HTTP/1.1 200 OK"))
        kill(first.process.processIdentifier, SIGKILL)
        first.process.waitUntilExit()
        let second = try startListening(port: port)
        defer { second.stop() }
        #expect(second.log.contains("msg=listening"), "\(second.log)")
        #expect(!second.log.contains("cannot listen"))
    }
}
