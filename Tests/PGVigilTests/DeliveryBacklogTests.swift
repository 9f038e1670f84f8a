// Unit tests of a receiver's backlog decisions: order per alert, coalescing, drops, retries, replay.

import Testing

@testable import Alerting

@Suite struct DeliveryBacklogTests {
    private func notification(_ alert: String, _ status: AlertNotification.Status = .firing) -> AlertNotification {
        let labels = ["alertname": alert, "target": "primary"]
        return AlertNotification(
            status: status, labels: labels, annotations: [:], startsAt: 100, endsAt: status == .resolved ? 200 : nil, value: 1,
            fingerprint: Fingerprint.of(labels), emittedAt: 100)
    }

    private func sequences(_ backlog: DeliveryBacklog) -> [UInt64] { backlog.pending.map(\.entry.sequence) }

    @Test func perAlertOnlyTheOldestIsDueAndAnUnwrittenOneWaitsForItsWrite() {
        var backlog = DeliveryBacklog(limit: 10, coalesces: false)
        _ = backlog.enqueue(notification("A"), now: 100)  // 1
        _ = backlog.enqueue(notification("A", .resolved), now: 100)  // 2
        _ = backlog.enqueue(notification("B"), now: 100)  // 3
        #expect(backlog.due(at: 100.5, grace: 1).isEmpty)  // its spool write has a second
        #expect(backlog.due(at: 101, grace: 1) == [1, 3])  // the resolve waits for its firing
        let marked = backlog.markSpooled(1, .written)
        #expect(marked)
        #expect(backlog.due(at: 100, grace: 1) == [1])
        #expect(backlog.untilNextSendable(from: 100, grace: 1) == 0)
    }

    @Test func aWholeStateReceiverKeepsOneWaitingNotificationPerAlertWithItsBackoff() throws {
        var backlog = DeliveryBacklog(limit: 10, coalesces: true)
        _ = backlog.enqueue(notification("A"), now: 100)
        _ = backlog.begin(1)
        let retried = backlog.retry(1, at: 100, delay: { _ in 30 })
        #expect(retried?.attempts == 1 && retried?.delay == 30)
        guard case .replaced(let older) = backlog.enqueue(notification("A"), now: 110) else {
            Issue.record("the waiting notification was not replaced")
            return
        }
        #expect(older.entry.sequence == 1)
        let newer = try #require(backlog.pending.first)
        #expect(sequences(backlog) == [2])
        #expect(newer.attempts == 1 && newer.nextAttempt == 130)  // re-sends do not hammer a failing receiver
        // The one in flight is never replaced: the newer one waits beside it.
        _ = backlog.begin(2)
        let displaced = backlog.enqueue(notification("A", .resolved), now: 120)
        #expect(displaced == nil)
        #expect(sequences(backlog) == [2, 3])
    }

    @Test func aFullBacklogDropsItsOldestNotificationNotInFlight() {
        var backlog = DeliveryBacklog(limit: 2, coalesces: false)
        _ = backlog.enqueue(notification("X"), now: 0)
        _ = backlog.enqueue(notification("Y"), now: 0)
        _ = backlog.begin(1)
        guard case .dropped(let oldest) = backlog.enqueue(notification("Z"), now: 0) else {
            Issue.record("nothing was dropped")
            return
        }
        #expect(oldest.entry.notification.alertName == "Y")
        #expect(sequences(backlog) == [1, 3])
    }

    @Test func attemptsAreCountedAndDelaysGrowWithThem() throws {
        var backlog = DeliveryBacklog(limit: 10, coalesces: false)
        _ = backlog.enqueue(notification("A"), now: 0)
        var delays: [Double] = []
        for attempt in 1...3 {
            _ = backlog.begin(1)
            let attempted = backlog.retry(1, at: 1000, delay: { Double($0) * 10 })
            let retried = try #require(attempted)
            #expect(retried.attempts == attempt)
            delays.append(retried.delay)
        }
        #expect(delays == [10, 20, 30])
        #expect(backlog.due(at: 1029, grace: 1).isEmpty && backlog.due(at: 1030, grace: 1) == [1])
        let done = backlog.finish(1)
        let finished = try #require(done)
        #expect(finished.attempts == 4)
        #expect(backlog.pending.isEmpty)
        let marked = backlog.markSpooled(1, .written)
        #expect(!marked)  // its write returned after it was delivered
        let again = backlog.finish(1)
        #expect(again == nil)
    }

    @Test func aReplayKeepsTheNewestUpToTheLimitAsWrittenAndDueAtOnce() {
        let replayed = (1...5).map { SpoolEntry(sequence: UInt64($0 * 10), notification: notification("R\($0)")) }
        var backlog = DeliveryBacklog(limit: 3, coalesces: false)
        let excess = backlog.restore(replayed, now: 500)
        #expect(sequences(backlog) == [30, 40, 50])
        #expect(excess.map(\.sequence) == [10, 20])
        #expect(backlog.due(at: 500, grace: 1) == [30, 40, 50])
        _ = backlog.enqueue(notification("new"), now: 500)
        #expect(backlog.pending.last?.entry.sequence == 51)
    }
}
