// Reloading a running agent (the binary) with SIGHUP and POST /-/reload against the real primary and replica.
import Foundation
import TestSupport
import Testing

/// The built binary, as scripts/test.sh names it.
private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable && !binary.isEmpty), "needs the test servers and PGVIGIL_TEST_BINARY"))
struct ConfigReloadTests {
    /// A config sampling `targets` (name → DSN) every second.
    private func config(_ targets: [(String, String)], interval: String = "1s") -> String {
        "interval: \(interval)\ntargets:\n" + targets.map { "  - name: \($0.0)\n    dsn: \"\($0.1)\"\n" }.joined()
    }

    /// curl's status and body for `path` on the agent, with `method` and `user:password` when given.
    private func request(_ port: Int, _ path: String, method: String = "GET", credentials: String? = nil) throws -> (status: Int, body: String) {
        let result = try TLSClientCommand.run(
            "/usr/bin/curl",
            ["-s", "-X", method, "--max-time", "30", "-w", "\n%{http_code}"] + (credentials.map { ["-u", $0] } ?? [])
                + ["http://127.0.0.1:\(port)\(path)"])
        let lines = result.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// The value of the exact series `series` on /metrics.
    private func metric(_ series: String, _ port: Int) throws -> Double? {
        try request(port, "/metrics").body.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    /// How many points the history holds for `pg_up` of `target`, and the oldest one's time.
    private func history(_ port: Int, target: String) throws -> (count: Int, oldest: Double?) {
        let body = try request(port, "/api/v1/series?match=pg_up%7Btarget%3D%22\(target)%22%7D").body
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let result = (json?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        let values = result.first?["values"] as? [[Any]] ?? []
        return (values.count, values.first?.first as? Double)
    }

    @Test func reloadAddsAndRemovesTargetsKeepsTheOthersHistoryAndKeepsABrokenConfigOut() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-reload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/pgvigil.yaml"
        try config([("primary", TestCluster.primaryDSN)]).write(toFile: file, atomically: true, encoding: .utf8)
        let agent = try ListeningAgent.start(binary, ["--config", file, "--listen", "127.0.0.1:0"])
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        #expect(try await waitUntil(timeout: .seconds(20)) { try history(port, target: "primary").count >= 2 })
        let before = try history(port, target: "primary")

        // SIGHUP with the replica added: it is sampled, the primary's history goes on.
        try config([("primary", TestCluster.primaryDSN), ("replica", TestCluster.replicaDSN)]).write(
            toFile: file, atomically: true, encoding: .utf8)
        kill(agent.process.processIdentifier, SIGHUP)
        #expect(try await waitUntil(timeout: .seconds(20)) { try metric(#"pg_up{target="replica"}"#, port) == 1 })
        #expect(try await waitUntil(timeout: .seconds(10)) { try history(port, target: "primary").count > before.count })
        #expect(try history(port, target: "primary").oldest == before.oldest)
        #expect(try metric("pgvigil_config_last_reload_successful", port) == 1)

        // A broken file, then a change that needs a restart: refused, both targets still sampled.
        try "targets: [\n".write(toFile: file, atomically: true, encoding: .utf8)
        let broken = try request(port, "/-/reload", method: "POST")
        #expect(broken.status == 500 && broken.body.contains("pgvigil.yaml:"), "\(broken)")
        #expect(try await waitUntil(timeout: .seconds(10)) { try metric("pgvigil_config_last_reload_successful", port) == 0 })
        try config([("primary", TestCluster.primaryDSN)], interval: "2s").write(toFile: file, atomically: true, encoding: .utf8)
        let restartOnly = try request(port, "/-/reload", method: "POST")
        #expect(restartOnly.status == 500 && restartOnly.body.contains("interval changed"), "\(restartOnly)")
        #expect(try metric(#"pg_up{target="replica"}"#, port) == 1)

        // The replica removed: no longer served, its history gone; the primary's kept.
        try config([("primary", TestCluster.primaryDSN)]).write(toFile: file, atomically: true, encoding: .utf8)
        let removed = try request(port, "/-/reload", method: "POST")
        #expect(removed.status == 200 && removed.body.contains("removed targets replica"), "\(removed)")
        // /metrics is rendered again within a quarter of a second.
        #expect(try await waitUntil(timeout: .seconds(10)) { try metric(#"pg_up{target="replica"}"#, port) == nil })
        #expect(try request(port, "/probe?target=replica").status == 404)
        #expect(try history(port, target: "replica").count == 0)
        #expect(try history(port, target: "primary").oldest == before.oldest)
        #expect(try await waitUntil(timeout: .seconds(10)) { try metric("pgvigil_config_last_reload_successful", port) == 1 })
        #expect(try request(port, "/-/reload").status == 405)
        #expect(agent.process.isRunning)
    }

    @Test func reloadStartsAlertingAndARemovedRuleResolvesItsAlert() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-reload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/pgvigil.yaml"
        let targets = config([("primary", TestCluster.primaryDSN)])
        try targets.write(toFile: file, atomically: true, encoding: .utf8)
        let agent = try ListeningAgent.start(binary, ["--config", file, "--listen", "127.0.0.1:0"])
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        #expect(try await waitUntil(timeout: .seconds(20)) { try metric(#"pg_up{target="primary"}"#, port) == 1 })
        #expect(try metric("pgvigil_alert_evaluations_total", port) == nil)  // no alerting yet

        // Alerting added by a reload: a rule that holds at once, and a receiver on loopback.
        let receiver = try await WebhookReceiver()
        let alerts = """
            alerts:
              evaluation_interval: 1s
              spool: \(directory)/spool
              receivers:
                - name: oncall
                  url: \(receiver.url())

            """
        try (targets + alerts + "  rules:\n    - alert: PrimaryUp\n      expr: pg_up{target=\"primary\"} > 0\n").write(
            toFile: file, atomically: true, encoding: .utf8)
        let added = try request(port, "/-/reload", method: "POST")
        #expect(added.status == 200 && added.body.contains("added rules PrimaryUp; added receivers oncall"), "\(added)")
        #expect(try await waitUntil(timeout: .seconds(20)) { receiver.received.contains { $0.body.contains("\"status\":\"firing\"") } })

        // The rule removed: its firing alert is resolved at the receiver, which stays.
        try (targets + alerts).write(toFile: file, atomically: true, encoding: .utf8)
        let removed = try request(port, "/-/reload", method: "POST")
        #expect(removed.status == 200 && removed.body == "config reloaded: removed rules PrimaryUp\n", "\(removed)")
        #expect(try await waitUntil(timeout: .seconds(20)) { receiver.received.contains { $0.body.contains("\"status\":\"resolved\"") } })
        #expect(receiver.received.count == 2)
        #expect(try await waitUntil(timeout: .seconds(10)) { try metric(#"pgvigil_spool_pending{receiver="oncall"}"#, port) == 0 })
        #expect(try metric("pgvigil_config_last_reload_successful", port) == 1)

        // The spool directory cannot move while the agent runs.
        try (targets + alerts.replacingOccurrences(of: "/spool", with: "/elsewhere")).write(toFile: file, atomically: true, encoding: .utf8)
        let moved = try request(port, "/-/reload", method: "POST")
        #expect(moved.status == 500 && moved.body.contains("alerts.spool changed"), "\(moved)")
        try await receiver.stop()
    }

    @Test func reloadAppliesChangedWebConfigUsersToTheNextRequest() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-reload-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let web = directory + "/web.yml"
        try "basic_auth_users:\n  oncall: \(try Htpasswd.hash("oncall", "first-secret", cost: 5))\n".write(
            toFile: web, atomically: true, encoding: .utf8)
        let agent = try ListeningAgent.start(
            binary, ["--dsn", "host=127.0.0.1 port=1 connect_timeout=1", "--listen", "127.0.0.1:0", "--web.config.file", web])
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        #expect(try request(port, "/metrics", credentials: "oncall:first-secret").status == 200)
        #expect(try request(port, "/-/reload", method: "POST").status == 401)  // behind the credentials

        try
            "basic_auth_users:\n  oncall: \(try Htpasswd.hash("oncall", "second-secret", cost: 5))\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n"
            .write(toFile: web, atomically: true, encoding: .utf8)
        let reloaded = try request(port, "/-/reload", method: "POST", credentials: "oncall:first-secret")
        #expect(reloaded.status == 200 && reloaded.body.contains("the endpoint's access"), "\(reloaded)")
        #expect(try request(port, "/metrics", credentials: "oncall:first-secret").status == 401)
        #expect(try request(port, "/metrics", credentials: "oncall:second-secret").status == 200)
        let headers = try TLSClientCommand.run("/usr/bin/curl", ["-s", "-D", "-", "-o", "/dev/null", "http://127.0.0.1:\(port)/healthz"])
        #expect(headers.output.contains("X-Frame-Options: deny"), "\(headers.output)")
    }
}
