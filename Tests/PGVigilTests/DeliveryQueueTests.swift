// The delivery queue against a real HTTP receiver on loopback, through the WebClient: retries, order,
// spool replay after a "restart", permissions, and rejection.

import Foundation
import Logging
import Support
import TestSupport
import Testing
import WebClient

@testable import Alerting
@testable import PGVigil
@testable import Store

@Suite struct DeliveryQueueTests {
    private func temporarySpool() throws -> Spool {
        try Spool(directory: FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-spool-\(UUID().uuidString)").path)
    }

    private func queue(_ receiver: WebhookReceiver, spool: Spool) throws -> DeliveryQueue {
        var settings = ReceiverSettings(
            name: "test", url: receiver.url(), format: .alertmanager, headers: [("Authorization", "Bearer sekrit-token")], timeout: .seconds(5))
        settings.initialBackoff = .milliseconds(100)
        settings.maximumBackoff = .milliseconds(400)
        return try DeliveryQueue(
            receiver: settings, spool: spool, disk: DiskWorker(), transport: WebhookClient(client: WebClient(proxies: .none)),
            externalURL: "http://127.0.0.1:9432",
            logger: Logger(label: "test"), wallClock: WallClock.now)
    }

    private func notification(_ status: AlertNotification.Status, alert: String = "IdleInTransaction") -> AlertNotification {
        let labels = ["alertname": alert, "target": "primary"]
        return AlertNotification(
            status: status, labels: labels, annotations: [:], startsAt: 100, endsAt: status == .resolved ? 200 : nil, value: 1,
            fingerprint: Fingerprint.of(labels), emittedAt: status == .resolved ? 200 : 100)
    }

    /// Runs `queue` while `body` runs.
    private func running(_ queue: DeliveryQueue, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await queue.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    @Test func retriesThrough503AndKeepsFiringBeforeResolved() async throws {
        let receiver = try await WebhookReceiver()
        receiver.respond(with: 503)
        let spool = try temporarySpool()
        let queue = try queue(receiver, spool: spool)
        try await running(queue) {
            await queue.enqueue(notification(.firing))
            await queue.enqueue(notification(.resolved))
            #expect(try await waitUntil(timeout: .seconds(10)) { receiver.received.count >= 3 })
            // Only the firing one was tried while failing: the resolve waits behind it.
            #expect(receiver.received.allSatisfy { $0.body.contains("\"status\":\"firing\"") })
            var mode = stat()
            #expect(stat(spool.directory, &mode) == 0 && mode.st_mode & 0o777 == 0o700)
            let files = try FileManager.default.contentsOfDirectory(atPath: spool.directory)
            #expect(files.count == 2)
            for file in files {
                #expect(stat(spool.directory + "/" + file, &mode) == 0 && mode.st_mode & 0o777 == 0o600)
            }
            receiver.respond(with: 200)
            #expect(try await waitUntil(timeout: .seconds(10)) { await queue.pendingCount == 0 })
        }
        let delivered = receiver.received.suffix(2).map(\.body)
        #expect(delivered.first?.contains("\"status\":\"firing\"") == true)
        #expect(delivered.last?.contains("\"status\":\"resolved\"") == true)
        #expect(receiver.received.allSatisfy { $0.headers.contains { $0.0 == "Authorization" && $0.1 == "Bearer sekrit-token" } })
        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.directory).isEmpty)
        #expect(await queue.counts[.delivered] == 2)
        #expect(await queue.counts[.retried] ?? 0 >= 2)
        try await receiver.stop()
    }

    @Test func spooledNotificationsSurviveARestartOfTheQueue() async throws {
        let receiver = try await WebhookReceiver()
        receiver.respond(with: 500)
        let spool = try temporarySpool()
        let first = try queue(receiver, spool: spool)
        try await running(first) {
            await first.enqueue(notification(.firing, alert: "A"))
            let attempted = try await waitUntil(timeout: .seconds(10)) { !receiver.received.isEmpty }
            #expect(attempted)
        }
        receiver.respond(with: 200)
        let second = try queue(receiver, spool: spool)
        #expect(await second.pendingCount == 1)
        try await running(second) {
            let drained = try await waitUntil(timeout: .seconds(10)) { await second.pendingCount == 0 }
            #expect(drained)
        }
        #expect(receiver.received.last?.body.contains("\"alertname\":\"A\"") == true)
        try await receiver.stop()
    }

    @Test func aRejectedNotificationIsDroppedNotRetried() async throws {
        let receiver = try await WebhookReceiver()
        receiver.respond(with: 400)
        let queue = try queue(receiver, spool: try temporarySpool())
        try await running(queue) {
            await queue.enqueue(notification(.firing))
            let drained = try await waitUntil(timeout: .seconds(10)) { await queue.pendingCount == 0 }
            #expect(drained)
        }
        #expect(receiver.received.count == 1)
        #expect(await queue.counts[.failed] == 1)
        try await receiver.stop()
    }

    @Test func anUnreachableReceiverIsRetried() async throws {
        let receiver = try await WebhookReceiver()
        let url = receiver.url()
        try await receiver.stop()  // nothing listens on that port now
        var settings = ReceiverSettings(name: "gone", url: url, format: .slack, headers: [], timeout: .seconds(2))
        settings.initialBackoff = .milliseconds(50)
        let queue = try DeliveryQueue(
            receiver: settings, spool: try temporarySpool(), disk: DiskWorker(), transport: WebhookClient(client: WebClient(proxies: .none)),
            externalURL: "http://127.0.0.1:9432", logger: Logger(label: "test"), wallClock: WallClock.now)
        try await running(queue) {
            await queue.enqueue(notification(.firing))
            let retried = try await waitUntil(timeout: .seconds(10)) { await queue.counts[.retried] ?? 0 >= 2 }
            #expect(retried)
        }
        #expect(await queue.pendingCount == 1)
    }
}
