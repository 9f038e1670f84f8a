// The web config with real peers: users hashed by Apache's htpasswd, requests made by curl.
import Foundation
import Testing

/// The built binary, as scripts/test.sh names it.
private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""

@Suite(.enabled(if: TestCluster.runs(if: !binary.isEmpty), "needs PGVIGIL_TEST_BINARY from scripts/test.sh"))
struct WebConfigIntegrationTests {
    /// Runs `executable ARGUMENTS` and returns its stdout (stderr is left to the test log).
    private func output(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// curl's status code and response headers for `path`, with `user:password` when given.
    private func curl(_ port: Int, _ path: String, credentials: String? = nil) throws -> (status: Int, headers: String) {
        var arguments = ["-s", "-o", "/dev/null", "-D", "-", "-w", "%{http_code}", "--max-time", "10"]
        if let credentials { arguments += ["-u", credentials] }
        let text = try output("/usr/bin/curl", arguments + ["http://127.0.0.1:\(port)\(path)"])
        return (Int(text.split(whereSeparator: \.isNewline).last.map(String.init) ?? "") ?? 0, text)
    }

    @Test func htpasswdUsersAreAcceptedOthersRefusedAndTheHeadersSent() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-webcfg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let web = """
            basic_auth_users:
              prometheus: \(try Htpasswd.hash("prometheus", "scrape-secret", cost: 10))
              oncall: \(try Htpasswd.hash("oncall", "pager:duty", cost: 5))
            http_server_config:
              headers:
                X-Frame-Options: deny
                X-Content-Type-Options: nosniff
            """
        try web.write(toFile: directory + "/web.yml", atomically: true, encoding: .utf8)
        let agent = try ListeningAgent.start(
            binary, ["--dsn", "host=127.0.0.1 port=1 connect_timeout=1", "--listen", "127.0.0.1:0", "--web.config.file", directory + "/web.yml"])
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")

        #expect(try curl(port, "/healthz").status == 200)
        let bare = try curl(port, "/metrics")
        #expect(bare.status == 401)
        #expect(bare.headers.contains(#"WWW-Authenticate: Basic realm="pgvigil""#))
        #expect(bare.headers.contains("X-Frame-Options: deny") && bare.headers.contains("X-Content-Type-Options: nosniff"))
        #expect(try curl(port, "/metrics", credentials: "prometheus:scrape-secret").status == 200)
        #expect(try curl(port, "/metrics", credentials: "prometheus:scrape-secret").status == 200)  // remembered
        #expect(try curl(port, "/metrics", credentials: "oncall:pager:duty").status == 200)
        #expect(try curl(port, "/metrics", credentials: "prometheus:scrape-secreT").status == 401)
        #expect(try curl(port, "/metrics", credentials: "nobody:scrape-secret").status == 401)
        #expect(agent.process.isRunning)
    }

    @Test func aPlainPasswordInTheWebConfigStopsTheStartNamingFileLineAndUser() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-webcfg-\(UUID().uuidString).yml").path
        try "basic_auth_users:\n  prometheus: scrape-secret\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let agent = try ListeningAgent.start(binary, ["--dsn", "host=127.0.0.1 port=1", "--listen", "127.0.0.1:0", "--web.config.file", path])
        agent.process.waitUntilExit()
        #expect(agent.process.terminationStatus == 2)
        #expect(agent.log.contains("\(path):2:") && agent.log.contains("basic_auth_users.prometheus"), "\(agent.log)")
        #expect(!agent.log.contains("scrape-secret"))
    }
}
