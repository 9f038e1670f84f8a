// Alerts end to end: a real idle transaction on the primary fires a rule, a real receiver gets it.

import Foundation
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct AlertingIntegrationTests {
    private func json(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test func idleTransactionFiresAndItsEndResolvesWithTheSameFingerprint() async throws {
        let database = TestCluster.uniqueName("alerting")
        let admin = try TestCluster.adminPrimary()
        _ = try admin.query("CREATE DATABASE \(database)", [])
        defer { _ = try? admin.query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let receiver = try await WebhookReceiver()
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)])
        config.alerts.evaluationInterval = ConfigDuration(.milliseconds(500))
        config.alerts.spool = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-spool-\(UUID().uuidString)").path
        config.alerts.rules = [
            AlertRuleConfig(
                alert: "IdleInTransaction", expr: "pg_stat_activity_max_idle_in_transaction_seconds{datname=\"\(database)\"} > 1",
                for: ConfigDuration(.seconds(1)), labels: ["severity": "warning"],
                annotations: ["summary": "{{ $labels.target }}: a session in {{ $labels.datname }} is idle in transaction"])
        ]
        config.alerts.receivers = [ReceiverConfig(name: "oncall", url: receiver.url())]

        let session = try TestCluster.adminPrimary(database: database)
        try await RunningAgent.with(config) { agent in
            _ = try session.query("BEGIN", [])
            _ = try session.query("SELECT 1", [])
            let fired = try await waitUntil(timeout: .seconds(20)) { receiver.received.contains { $0.body.contains("\"status\":\"firing\"") } }
            #expect(fired)
            // What is served is rendered at most every 250 ms: it may trail the webhook a little.
            let metrics = try await agent.scrape(until: { $0.value("pgvigil_alerts_firing", [("alert", "IdleInTransaction")]) == 1 })
            #expect(metrics.value("pgvigil_alerts_firing", [("alert", "IdleInTransaction")]) == 1)
            let api = try json(try await agent.get("/api/v1/alerts").body)
            let listed = try #require(((api["data"] as? [String: Any])?["alerts"] as? [[String: Any]])?.first)
            #expect(listed["state"] as? String == "firing")
            #expect((listed["labels"] as? [String: String])?["alertname"] == "IdleInTransaction")

            _ = try session.query("ROLLBACK", [])
            let resolved = try await waitUntil(timeout: .seconds(20)) { receiver.received.contains { $0.body.contains("\"status\":\"resolved\"") } }
            #expect(resolved)
            let after = try await agent.scrape(until: {
                $0.value("pgvigil_notifications_total", [("receiver", "oncall"), ("outcome", "delivered")]) == 2
            })
            #expect(after.value("pgvigil_spool_pending", [("receiver", "oncall")]) == 0)
            #expect(after.value("pgvigil_alerts_firing", [("alert", "IdleInTransaction")]) == 0)
        }
        try await receiver.stop()

        let bodies = try receiver.received.map { try json($0.body) }
        #expect(bodies.count == 2)
        let firing = try #require(bodies.first)
        let resolvedBody = try #require(bodies.last)
        #expect(firing["version"] as? String == "4")
        #expect(firing["receiver"] as? String == "oncall")
        let firingAlert = try #require((firing["alerts"] as? [[String: Any]])?.first)
        let resolvedAlert = try #require((resolvedBody["alerts"] as? [[String: Any]])?.first)
        #expect(firingAlert["status"] as? String == "firing")
        #expect(resolvedAlert["status"] as? String == "resolved")
        #expect(firingAlert["fingerprint"] as? String == resolvedAlert["fingerprint"] as? String)
        let labels = try #require(firingAlert["labels"] as? [String: String])
        #expect(labels == ["alertname": "IdleInTransaction", "target": "primary", "datname": database, "severity": "warning"])
        #expect((firingAlert["annotations"] as? [String: String])?["summary"] == "primary: a session in \(database) is idle in transaction")
        #expect(resolvedAlert["endsAt"] as? String != "0001-01-01T00:00:00Z")
    }
}
