// The delivery queue's loops on a manual clock, with seeded jitter: retries come exactly when the
// backoff says, in the clock's time, without the test sleeping.

import Foundation
import Logging
import Support
import TestSupport
import Testing

@testable import Alerting
@testable import Store

@Suite struct DeliveryQueueRetryTimingTests {
    @Test func retriesComeAtTheBackoffsTimesWithTheInjectedJitter() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(stamp: { clock.now.offset.seconds })
        transport.respond(with: 503)
        var settings = ReceiverSettings(name: "test", url: "http://127.0.0.1:9/hook", format: .alertmanager, headers: [], timeout: .seconds(1))
        settings.initialBackoff = .seconds(10)
        settings.maximumBackoff = .seconds(40)
        let seed = SplitMix64(seed: 2026)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-timing-\(UUID().uuidString)").path
        let queue = try DeliveryQueue(
            receiver: settings, spool: try Spool(directory: directory), disk: DiskWorker(), transport: transport,
            externalURL: "http://127.0.0.1:9432", logger: Logger(label: "test"), wallClock: { 1_000_000 + clock.now.offset.seconds },
            clock: clock, randomness: seed)
        // The waits the queue must take: 10, 20, 40 and 40 s (the cap), each within ±20 %, drawn
        // from the same generator.
        var generator = seed
        let backoff = ExponentialBackoff(initial: 10, maximum: 40, jitter: 0.2)
        let delays = (1...4).map { backoff.delay(afterFailures: $0, using: &generator) }
        #expect(Set(delays).count == 4)

        let labels = ["alertname": "ReplicationLagHigh", "target": "replica"]
        let running = Task { await queue.run() }
        defer { running.cancel() }
        await queue.enqueue(
            AlertNotification(
                status: .firing, labels: labels, annotations: [:], startsAt: 100, endsAt: nil, value: 1, fingerprint: Fingerprint.of(labels),
                emittedAt: 100))

        for attempt in 1...5 {
            // The attempt was made and both loops (sending, spool) sleep again on the clock.
            let settled = try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) {
                transport.requests.count == attempt && clock.sleeperCount == 2
            }
            #expect(settled, "attempt \(attempt): \(transport.requests.count) requests, \(clock.sleeperCount) sleepers")
            guard settled, attempt < 5, let wake = clock.deadlines.first else { break }
            if attempt == 4 { transport.respond(with: 200) }
            clock.advance(by: wake - clock.now.offset)
        }

        let times = transport.requests.map(\.at)
        #expect(times.count == 5)
        #expect(times.first == 0)
        for (index, delay) in delays.enumerated() where index + 1 < times.count {
            let waited = times[index + 1] - times[index]
            #expect(abs(waited - delay) <= 0.0011, "wait \(index + 1): \(waited) s, backoff \(delay) s")
        }
        #expect(transport.requests.map(\.status) == [503, 503, 503, 503, 200])
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { await queue.pendingCount == 0 })
        #expect(await queue.counts[.retried] == 4)
        #expect(await queue.counts[.delivered] == 1)
    }
}
