// pgvigil feeding a real Alertmanager (Debian's prometheus-alertmanager) on loopback through its API v2.

import Foundation
import TestSupport
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus-alertmanager")),
        "needs the test servers and prometheus-alertmanager"))
struct AlertmanagerPeerTests {
    /// Starts Alertmanager on a loopback port with `routing` (by default a route to nowhere).
    private func startAlertmanager(
        in directory: String, routing: String = "route:\n  receiver: nowhere\nreceivers:\n  - name: nowhere\n"
    ) async throws -> PeerProcess {
        let config = directory + "/alertmanager.yml"
        try routing.write(toFile: config, atomically: true, encoding: .utf8)
        return try await PeerProcess.start("/usr/bin/prometheus-alertmanager") { port in
            [
                "--config.file=\(config)", "--storage.path=\(directory)/data", "--web.listen-address=127.0.0.1:\(port)",
                "--cluster.listen-address=", "--log.level=warn",
            ]
        }
    }

    @Test func alertsArriveInAlertmanagerWithTheSameFingerprint() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-am-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let alertmanager = try await startAlertmanager(in: directory)
        defer { alertmanager.stop() }
        let port = alertmanager.port
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)])
        config.alerts.evaluationInterval = ConfigDuration(.milliseconds(500))
        config.alerts.spool = directory + "/spool"
        config.alerts.rules = [
            AlertRuleConfig(
                alert: "PrimaryIsUp", expr: #"pg_up{target="primary"} == 1"#, labels: ["severity": "info"],
                annotations: ["summary": "{{ $labels.target }} answers"])
        ]
        config.alerts.receivers = [ReceiverConfig(name: "am", url: "http://127.0.0.1:\(port)/api/v2/alerts", format: .alertmanagerAPI)]
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/api/v2/alerts"))
        var found: [String: Any]?
        try await RunningAgent.with(config) { _ in
            _ = try await waitUntil(timeout: .seconds(20)) {
                let (data, _) = try await URLSession.shared.data(from: url)
                let alerts = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
                found = alerts.first { ($0["labels"] as? [String: String])?["alertname"] == "PrimaryIsUp" }
                return found != nil
            }
        }
        let alert = try #require(found)
        let labels = try #require(alert["labels"] as? [String: String])
        #expect(labels == ["alertname": "PrimaryIsUp", "target": "primary", "severity": "info"])
        #expect(alert["fingerprint"] as? String == Fingerprint.of(labels))
        #expect((alert["annotations"] as? [String: String])?["summary"] == "primary answers")
        #expect((alert["status"] as? [String: Any])?["state"] as? String == "active")
    }

    /// An HA pair: two agents with the same rules post the same alert to one Alertmanager, which
    /// sends one notification for the group, holding one alert.
    @Test func twoReplicasOfAnAgentMakeOneNotificationPerGroup() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-am-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let oncall = try await WebhookReceiver()
        let alertmanager = try await startAlertmanager(
            in: directory,
            routing: """
                route: { receiver: oncall, group_by: [alertname], group_wait: 1s, group_interval: 5m, repeat_interval: 4h }
                receivers:
                  - name: oncall
                    webhook_configs: [{ url: "\(oncall.url())" }]

                """)
        defer { alertmanager.stop() }
        func replica(_ name: String) -> AgentConfig {
            var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)])
            config.alerts.evaluationInterval = ConfigDuration(.milliseconds(500))
            config.alerts.spool = directory + "/spool-" + name
            config.alerts.rules = [AlertRuleConfig(alert: "PrimaryIsUp", expr: #"pg_up{target="primary"} == 1"#, labels: ["severity": "info"])]
            config.alerts.receivers = [
                ReceiverConfig(name: "am", url: "http://127.0.0.1:\(alertmanager.port)/api/v2/alerts", format: .alertmanagerAPI)
            ]
            return config
        }
        let delivered: (Scrape) -> Bool = { ($0.value("pgvigil_notifications_total", [("receiver", "am"), ("outcome", "delivered")]) ?? 0) >= 1 }
        try await RunningAgent.with(replica("a")) { a in
            try await RunningAgent.with(replica("b")) { b in
                // Both replicas delivered their alert, and the group's notification went out.
                let fromA = try await a.scrape(until: delivered)
                let fromB = try await b.scrape(until: delivered)
                #expect(delivered(fromA) && delivered(fromB))
                #expect(try await waitUntil(timeout: .seconds(20)) { !oncall.received.isEmpty })
                // No second notification for the group (it would come at once: the group changed).
                let second = try await waitUntil(timeout: .seconds(3)) { oncall.received.count > 1 }
                #expect(!second)
            }
        }
        try await oncall.stop()
        #expect(oncall.received.count == 1)
        let body = try #require(oncall.received.first?.body)
        let payload = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let alerts = try #require(payload["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect((alerts.first?["labels"] as? [String: String]) == ["alertname": "PrimaryIsUp", "target": "primary", "severity": "info"])
    }
}
