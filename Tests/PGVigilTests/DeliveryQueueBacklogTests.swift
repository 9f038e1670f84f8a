// Unit tests of what a delivery queue keeps waiting: coalescing per alert, order, and the backlog bound.

import Foundation
import Logging
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil

@Suite struct DeliveryQueueBacklogTests {
    /// A transport the queues here never reach: nothing runs them, so only queueing is tested.
    private struct UnusedTransport: WebhookTransport {
        func post(_ request: WebhookRequest) async throws -> WebhookResponse {
            Issue.record("a queue that is not running posted a request")
            return WebhookResponse(status: 500, bodyExcerpt: "")
        }
    }

    private func queue(_ format: PayloadFormat, backlogLimit: Int = DeliveryQueue.defaultBacklogLimit) throws -> DeliveryQueue {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-backlog-\(UUID().uuidString)").path
        return try DeliveryQueue(
            receiver: ReceiverSettings(name: "test", url: "http://127.0.0.1:9/hook", format: format, headers: [], timeout: .seconds(1)),
            spool: try Spool(directory: directory), disk: DiskWorker(), transport: UnusedTransport(), externalURL: "http://127.0.0.1:9432",
            logger: Logger(label: "test"), wallClock: { 1000 }, backlogLimit: backlogLimit)
    }

    private func notification(_ status: AlertNotification.Status, alert: String) -> AlertNotification {
        let labels = ["alertname": alert, "target": "primary"]
        return AlertNotification(
            status: status, labels: labels, annotations: [:], startsAt: 100, endsAt: status == .resolved ? 200 : nil, value: 1,
            fingerprint: Fingerprint.of(labels), emittedAt: 100)
    }

    @Test func anAlertmanagerAPIReceiverKeepsOneWaitingNotificationPerAlert() async throws {
        let queue = try queue(.alertmanagerAPI)
        for _ in 0..<100 { await queue.enqueue(notification(.firing, alert: "A")) }
        await queue.enqueue(notification(.firing, alert: "B"))
        await queue.enqueue(notification(.resolved, alert: "A"))
        #expect(await queue.pendingCount == 2)
        #expect(await queue.counts[.dropped] == nil)
    }

    @Test func eventFormatsKeepEveryNotificationOfAnAlert() async throws {
        for format in [PayloadFormat.alertmanager, .slack, .pagerduty] {
            let queue = try queue(format)
            await queue.enqueue(notification(.firing, alert: "A"))
            await queue.enqueue(notification(.resolved, alert: "A"))
            await queue.enqueue(notification(.firing, alert: "A"))
            #expect(await queue.pendingCount == 3, "\(format)")
        }
    }

    @Test func aFullBacklogDropsTheOldestAndCountsIt() async throws {
        let queue = try queue(.slack, backlogLimit: 3)
        for alert in ["A", "B", "C", "D", "E"] { await queue.enqueue(notification(.firing, alert: alert)) }
        #expect(await queue.pendingCount == 3)
        #expect(await queue.counts[.dropped] == 2)
    }
}
