// Remote-write into a real Prometheus (Debian's, --web.enable-remote-write-receiver): the series
// arrive with the external labels, and an outage of the receiver is filled from the history.
import Foundation
import TestSupport
import Testing

@testable import Config

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct RemoteWriteIntegrationTests {
    /// A config sampling the primary every second and writing to Prometheus on `port` every second.
    private func config(prometheusPort port: Int) -> AgentConfig {
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)], interval: .seconds(1))
        config.history = ConfigDuration(.seconds(600))
        config.externalLabels = ["cluster": "ci", "replica": "a"]
        var remote = RemoteWriteConfig(url: "http://127.0.0.1:\(port)/api/v1/write")
        remote.queueConfig = RemoteWriteQueueConfig(
            batchSendDeadline: ConfigDuration(.seconds(1)), minBackoff: ConfigDuration(.milliseconds(100)), maxBackoff: ConfigDuration(.seconds(1)))
        config.remoteWrite = [remote]
        return config
    }

    /// A fresh directory for Prometheus's data.
    private func directory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-rw-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func seriesArriveWithTheExternalLabels() async throws {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let prometheus = try await RunningPrometheus.start(config: "global: {}\n", in: directory, options: ["--web.enable-remote-write-receiver"])
        defer { prometheus.peer.stop() }
        try await RunningAgent.with(config(prometheusPort: prometheus.port)) { agent in
            let arrived = try await waitUntil(timeout: .seconds(30)) {
                try await prometheus.query(#"pg_up{cluster="ci",replica="a",target="primary"}"#).map(\.1) == [1]
            }
            #expect(arrived)
            let sent = try await agent.scrape(until: {
                ($0.value("pgvigil_remote_write_samples_total", [("remote", "127.0.0.1:\(prometheus.port)"), ("outcome", "sent")]) ?? 0) > 0
            })
            #expect((sent.value("pgvigil_remote_write_last_success_timestamp_seconds", [("remote", "127.0.0.1:\(prometheus.port)")]) ?? 0) > 0)
            #expect(sent.value("pgvigil_remote_write_samples_total", [("remote", "127.0.0.1:\(prometheus.port)"), ("outcome", "dropped")]) == 0)
            // External labels go to the remote only, not to what the agent serves.
            #expect(!sent.body.contains(#"cluster="ci""#))
        }
    }

    @Test func anOutageOfTheReceiverIsFilledFromTheHistory() async throws {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await RunningPrometheus.start(config: "global: {}\n", in: directory, options: ["--web.enable-remote-write-receiver"])
        let port = first.port
        let (found, gap) = try await RunningAgent.with(config(prometheusPort: port)) { _ in
            let flowing = try await waitUntil(timeout: .seconds(30)) { try await !first.query(#"pg_up{cluster="ci"}"#).isEmpty }
            first.peer.stop()
            guard flowing else { return (0.0, 1) }
            let down = Date().timeIntervalSince1970
            // 45 s without a receiver, while the agent samples every second.
            try await Task.sleep(for: .seconds(45))
            let up = Date().timeIntervalSince1970
            let second = try await RunningPrometheus.start(
                config: "global: {}\n", in: directory, port: port, options: ["--web.enable-remote-write-receiver"])
            defer { second.peer.stop() }
            let gap = Int(up - down)
            let query = #"count_over_time(pg_up{cluster="ci",target="primary"}["# + "\(gap)s])"
            var found = 0.0
            _ = try await waitUntil(timeout: .seconds(60)) {
                found = try await second.query(query, at: up).first?.1 ?? 0
                return found >= 0.9 * Double(gap)
            }
            return (found, gap)
        }
        #expect(found >= 0.9 * Double(gap), "\(found) samples of the \(gap) s gap arrived")
    }
}
