// The delivery queue under faults, with a scripted transport: a long outage of an Alertmanager API
// receiver, and a spool directory that cannot be written.

import Foundation
import Logging
import Support
import TestSupport
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil
@testable import Store

@Suite struct DeliveryQueueFaultTests {
    private func queue(_ format: PayloadFormat, spool: Spool, transport: ScriptedTransport) throws -> DeliveryQueue {
        var settings = ReceiverSettings(name: "test", url: "http://127.0.0.1:9/hook", format: format, headers: [], timeout: .seconds(1))
        settings.initialBackoff = .milliseconds(20)
        settings.maximumBackoff = .milliseconds(50)
        return try DeliveryQueue(
            receiver: settings, spool: spool, disk: DiskWorker(), transport: transport, externalURL: "http://127.0.0.1:9432",
            logger: Logger(label: "test"), wallClock: WallClock.now, spoolRetryInterval: 0.2)
    }

    private func spoolDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-fault-\(UUID().uuidString)").path
    }

    private func notification(_ status: AlertNotification.Status, alert: String, round: Int = 0) -> AlertNotification {
        let labels = ["alertname": alert, "target": "primary"]
        return AlertNotification(
            status: status, labels: labels, annotations: ["round": "\(round)"], startsAt: 100, endsAt: status == .resolved ? 200 : nil, value: 1,
            fingerprint: Fingerprint.of(labels), emittedAt: 100 + Double(round))
    }

    private func spooledFiles(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
    }

    /// Runs `queue` while `body` runs.
    private func running(_ queue: DeliveryQueue, _ body: () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await queue.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    @Test func resendsDuringAnAlertmanagerOutageBuildNoBacklog() async throws {
        let transport = ScriptedTransport()
        transport.respond(with: 503)
        let directory = spoolDirectory()
        let queue = try queue(.alertmanagerAPI, spool: try Spool(directory: directory), transport: transport)
        try await running(queue) {
            for round in 1...40 {
                await queue.enqueue(notification(.firing, alert: "A", round: round))
                // One in flight at most, and one waiting.
                #expect(await queue.pendingCount <= 2)
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await waitUntil(timeout: .seconds(5)) { spooledFiles(directory).count <= 2 })
            transport.respond(with: 200)
            #expect(try await waitUntil(timeout: .seconds(10)) { await queue.pendingCount == 0 })
        }
        let delivered = transport.requests.filter { $0.status == 200 }
        #expect((1...2).contains(delivered.count), "delivered \(delivered.count) times")
        #expect(delivered.last?.body.contains(#""round":"40""#) == true)
        #expect(await queue.counts[.dropped] == nil)
        #expect(try await waitUntil(timeout: .seconds(5)) { spooledFiles(directory).isEmpty })
    }

    @Test func anUnwritableSpoolDeliversFromMemoryAndRecovers() async throws {
        let transport = ScriptedTransport()
        let directory = spoolDirectory()
        let queue = try queue(.alertmanager, spool: try Spool(directory: directory), transport: transport)
        // A file where the directory was: no write can succeed, even as root.
        try FileManager.default.removeItem(atPath: directory)
        #expect(FileManager.default.createFile(atPath: directory, contents: Data("not a directory".utf8)))
        try await running(queue) {
            // The receiver fails first, so the notification is still queued when its write fails
            // (on a loaded machine the write may otherwise come after a delivery from memory).
            transport.respond(with: 503)
            await queue.enqueue(notification(.firing, alert: "A"))
            #expect(try await waitUntil(timeout: .seconds(10)) { await queue.spoolWritable == false })
            transport.respond(with: 200)
            #expect(try await waitUntil(timeout: .seconds(5)) { await queue.pendingCount == 0 })
            // While the receiver fails, a notification waits in memory and is spooled once the disk allows.
            transport.respond(with: 503)
            await queue.enqueue(notification(.resolved, alert: "A"))
            try FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            #expect(try await waitUntil(timeout: .seconds(5)) { await queue.spoolWritable })
            #expect(try await waitUntil(timeout: .seconds(5)) { spooledFiles(directory).count == 1 })
            transport.respond(with: 200)
            #expect(try await waitUntil(timeout: .seconds(5)) { await queue.pendingCount == 0 })
            #expect(try await waitUntil(timeout: .seconds(5)) { spooledFiles(directory).isEmpty })
        }
        let delivered = transport.requests.filter { $0.status == 200 }.map(\.body)
        #expect(delivered.count == 2)
        #expect(delivered.first?.contains(#""status":"firing""#) == true)
        #expect(delivered.last?.contains(#""status":"resolved""#) == true)
        #expect(await queue.counts[.delivered] == 2)
    }
}
