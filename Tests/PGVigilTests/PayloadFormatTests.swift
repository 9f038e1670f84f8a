// Unit tests of the webhook payloads against the shapes their receivers document.

import Foundation
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil

@Suite struct PayloadFormatTests {
    private let context = PayloadFormat.Context(receiver: "oncall", externalURL: "http://pgvigil.test:9432", routingKey: "R0UT1NGK3Y")

    private func notification(_ status: AlertNotification.Status, summary: String = "replica is 42s behind") -> AlertNotification {
        let labels = ["alertname": "ReplicationLagHigh", "target": "replica", "severity": "critical"]
        return AlertNotification(
            status: status, labels: labels, annotations: ["summary": summary], startsAt: 1_764_000_000,
            endsAt: status == .resolved ? 1_764_000_600 : nil, value: 42, fingerprint: Fingerprint.of(labels), emittedAt: 1_764_000_600)
    }

    private func json(_ format: PayloadFormat, _ notification: AlertNotification) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(try format.body(for: notification, context: context)))
    }

    @Test func alertmanagerWebhookV4() throws {
        let body = try #require(try json(.alertmanager, notification(.firing)) as? [String: Any])
        #expect(
            Set(body.keys) == [
                "version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
                "commonAnnotations", "externalURL", "alerts",
            ])
        #expect(body["version"] as? String == "4")
        #expect(body["status"] as? String == "firing")
        #expect(body["receiver"] as? String == "oncall")
        let alert = try #require((body["alerts"] as? [[String: Any]])?.first)
        #expect(Set(alert.keys) == ["status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"])
        #expect(alert["startsAt"] as? String == "2025-11-24T16:00:00Z")
        #expect(alert["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect((alert["labels"] as? [String: String])?["alertname"] == "ReplicationLagHigh")
        #expect(alert["fingerprint"] as? String == Fingerprint.of(["alertname": "ReplicationLagHigh", "target": "replica", "severity": "critical"]))

        let resolved = try #require(try json(.alertmanager, notification(.resolved)) as? [String: Any])
        #expect(resolved["status"] as? String == "resolved")
        #expect((resolved["alerts"] as? [[String: Any]])?.first?["endsAt"] as? String == "2025-11-24T16:10:00Z")
    }

    @Test func alertmanagerAPIv2PostsAnArrayWithAFutureEndsAtWhileFiring() throws {
        let alerts = try #require(try json(.alertmanagerAPI, notification(.firing)) as? [[String: Any]])
        #expect(alerts.count == 1)
        #expect(Set(alerts[0].keys) == ["labels", "annotations", "startsAt", "endsAt", "generatorURL"])
        #expect(alerts[0]["endsAt"] as? String == "2025-11-24T16:15:00Z")  // emitted + 5 minutes
    }

    @Test func slackColoursByStatus() throws {
        let firing = try #require(try json(.slack, notification(.firing)) as? [String: Any])
        #expect((firing["text"] as? String)?.hasPrefix("[FIRING] ReplicationLagHigh") == true)
        let attachment = try #require((firing["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["color"] as? String == "danger")
        let resolved = try #require(try json(.slack, notification(.resolved)) as? [String: Any])
        #expect(((resolved["attachments"] as? [[String: Any]])?.first?["color"] as? String) == "good")
    }

    @Test func pagerDutyEventsV2() throws {
        let trigger = try #require(try json(.pagerduty, notification(.firing, summary: String(repeating: "x", count: 3000))) as? [String: Any])
        #expect(trigger["routing_key"] as? String == "R0UT1NGK3Y")
        #expect(trigger["event_action"] as? String == "trigger")
        #expect(trigger["dedup_key"] as? String == Fingerprint.of(["alertname": "ReplicationLagHigh", "target": "replica", "severity": "critical"]))
        let payload = try #require(trigger["payload"] as? [String: Any])
        #expect((payload["summary"] as? String)?.count == 1024)
        #expect(payload["severity"] as? String == "critical")
        #expect(payload["source"] as? String == "replica")
        let resolve = try #require(try json(.pagerduty, notification(.resolved)) as? [String: Any])
        #expect(resolve["event_action"] as? String == "resolve")
        #expect(resolve["dedup_key"] as? String == trigger["dedup_key"] as? String)
    }

    @Test(arguments: [("critical", "critical"), ("warning", "warning"), ("info", "info"), ("page", "critical"), (nil, "error"), ("bogus", "error")])
    func pagerDutySeverityMapping(label: String?, severity: String) {
        #expect(PagerDutyEvent.severity(label) == severity)
    }
}
