// The outage test: the receiver fails, the agent is SIGKILLed while retrying, restarted, the
// receiver recovers, and the notification arrives exactly once: nothing lost, nothing doubled.
import Foundation
import TestSupport
import Testing

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] != nil),
        "needs the servers and the binary of scripts/test.sh"))
struct AlertOutageTests {
    private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""

    /// Starts `pgvigil run --config config`, its log appended to `log`.
    private func start(config: String, log: String) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run", "--config", config]
        process.environment = ["ONCALL_TOKEN": "super-secret-token", "PATH": "/usr/bin:/bin"]
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardError = handle
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The port the last agent to start in `log` listens on.
    private func listeningPort(in log: String) throws -> Int? {
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        guard let listening = lines.last(where: { $0.contains("msg=listening") }) else { return nil }
        return listening.split(separator: " ").first { $0.hasPrefix("port=") }.flatMap { Int($0.dropFirst(5).prefix { $0.isNumber }) }
    }

    /// GETs /metrics from the agent on `port`.
    private func scrape(port: Int) async throws -> Scrape {
        let client = try LoopbackClient(port: port)
        client.send("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let response = try await client.readUntilClosed()
        let status = response.hasPrefix("HTTP/1.1 200") ? 200 : 0
        return Scrape(status: status, body: String(response.split(separator: "\r\n\r\n", maxSplits: 1).last ?? ""))
    }

    @Test func notificationSurvivesSIGKILLAndReceiverOutage() async throws {
        let receiver = try await WebhookReceiver()
        receiver.respond(with: 503)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-outage-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let spool = directory + "/spool"
        let config = directory + "/pgvigil.yaml"
        let log = directory + "/agent.log"
        try """
        listen: "127.0.0.1:0"
        interval: 500ms
        targets: [{ name: primary, dsn: "\(TestCluster.primaryDSN)" }]
        collectors: { table_sizes: { enabled: false }, indexes: { enabled: false }, vacuum: { enabled: false } }
        alerts:
          evaluation_interval: 500ms
          rules:
            - alert: PrimaryUp
              expr: pg_settings_max_connections{target="primary"} > 0
              labels: { severity: info }
          receivers:
            - name: oncall
              url: "\(receiver.url())"
              headers: { Authorization: "Bearer ${ONCALL_TOKEN}" }
              timeout: 2s
          spool: "\(spool)"
        """.write(toFile: config, atomically: true, encoding: .utf8)

        let first = try start(config: config, log: log)
        let retrying = try await waitUntil(timeout: .seconds(20)) { receiver.received.count >= 2 }
        #expect(retrying)
        let spooled = try FileManager.default.contentsOfDirectory(atPath: spool + "/oncall").filter { $0.hasSuffix(".json") }
        #expect(spooled.count == 1)
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal)
        let attemptsBeforeRestart = receiver.received.count

        let second = try start(config: config, log: log)
        defer {
            second.terminate()
            second.waitUntilExit()
        }
        // The restarted agent replays the spool (still failing for a moment), then the receiver recovers.
        let replayed = try await waitUntil(timeout: .seconds(20)) { receiver.received.count > attemptsBeforeRestart }
        #expect(replayed)
        receiver.respond(with: 200)
        let delivered = try await waitUntil(timeout: .seconds(30)) { receiver.received.contains { $0.status == 200 } }
        #expect(delivered)
        // Give the agent a few evaluation rounds: the restored alert state must not fire it again.
        let drained = try await waitUntil(timeout: .seconds(10)) {
            (try? FileManager.default.contentsOfDirectory(atPath: spool + "/oncall").filter { $0.hasSuffix(".json") }.isEmpty) ?? false
        }
        #expect(drained)
        // Four more evaluation rounds, with nothing left waiting after them: a repeat of the
        // notification would have been delivered by then.
        let port = try #require(try listeningPort(in: log))
        let roundsAtDelivery = try #require(try await scrape(port: port).value("pgvigil_alert_evaluations_total", []))
        let settled = try await waitUntil(timeout: .seconds(20)) {
            let scrape = try await scrape(port: port)
            return (scrape.value("pgvigil_alert_evaluations_total", []) ?? 0) >= roundsAtDelivery + 4
                && scrape.value("pgvigil_spool_pending", [("receiver", "oncall")]) == 0
        }
        #expect(settled)
        let successes = receiver.received.filter { $0.status == 200 }
        #expect(successes.count == 1, "delivered \(successes.count) times")
        #expect(successes.first?.body.contains("\"alertname\":\"PrimaryUp\"") == true)
        #expect(successes.first?.body.contains("\"status\":\"firing\"") == true)
        #expect(receiver.received.allSatisfy { $0.headers.contains { $0.0 == "Authorization" && $0.1 == "Bearer super-secret-token" } })

        var mode = stat()
        #expect(stat(spool + "/oncall", &mode) == 0 && mode.st_mode & 0o777 == 0o700)
        let logText = try String(contentsOfFile: log, encoding: .utf8)
        #expect(logText.contains("replaying spooled notifications"))
        #expect(!logText.contains("super-secret-token"))
        try await receiver.stop()
    }
}
