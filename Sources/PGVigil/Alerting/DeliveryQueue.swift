// At-least-once delivery of one receiver's notifications: spooled first, retried with backoff.
import Logging

/// Delivers a receiver's notifications. Each is written to the spool before the first attempt
/// and removed only after a 2xx (or a rejection that retrying cannot fix). Attempts that get no
/// answer, 408, 429 or 5xx are retried with exponential backoff and jitter. Per alert
/// (fingerprint) the order is kept: a resolve never overtakes its firing. Alerts do not wait on
/// each other: one receiver's retries of one alert leave the others flowing.
actor DeliveryQueue {
    /// A spooled notification waiting for its next attempt.
    private struct Pending {
        var entry: SpoolEntry
        var attempts = 0
        var nextAttempt: Double
    }

    /// The receiver.
    let receiver: ReceiverSettings
    private let spool: Spool
    private let transport: any WebhookTransport
    private let context: PayloadFormat.Context
    private let logger: Logger
    private let wallClock: @Sendable () -> Double
    private let doorbell = Doorbell()
    private var pending: [Pending] = []
    private var nextSequence: UInt64 = 1
    private(set) var counts: [DeliveryOutcome: Int] = [:]

    /// Opens the queue over `spool`, replaying what an earlier run left there.
    init(receiver: ReceiverSettings, spool: Spool, transport: any WebhookTransport, externalURL: String,
         logger: Logger, wallClock: @escaping @Sendable () -> Double) throws(SpoolError) {
        self.receiver = receiver
        self.spool = spool
        self.transport = transport
        self.context = PayloadFormat.Context(receiver: receiver.name, externalURL: externalURL, routingKey: receiver.routingKey)
        var logger = logger
        logger[metadataKey: "receiver"] = "\(receiver.name)"
        self.logger = logger
        self.wallClock = wallClock
        let replayed = try spool.load()
        let now = wallClock()
        pending = replayed.map { Pending(entry: $0, nextAttempt: now) }
        nextSequence = (replayed.map(\.sequence).max() ?? 0) + 1
        if !replayed.isEmpty { logger.info("replaying spooled notifications", metadata: ["count": "\(replayed.count)"]) }
    }

    /// Spools `notification` durably, then wakes the sender. Throws if it could not be spooled.
    func enqueue(_ notification: AlertNotification) throws(SpoolError) {
        let entry = SpoolEntry(sequence: nextSequence, notification: notification)
        try spool.write(entry)
        nextSequence += 1
        pending.append(Pending(entry: entry, nextAttempt: wallClock()))
        doorbell.ring()
    }

    /// How many notifications wait in the spool.
    var pendingCount: Int { pending.count }

    /// Sends until cancelled: every due notification that is the oldest of its alert.
    func run() async {
        while !Task.isCancelled {
            let now = wallClock()
            let due = dueEntries(now: now)
            if due.isEmpty {
                let earliest = pending.map(\.nextAttempt).min().map { max(0, $0 - now) } ?? 3600
                await doorbell.wait(timeout: .milliseconds(Int64(earliest * 1000) + 1))
                continue
            }
            for sequence in due where !Task.isCancelled {
                await attempt(sequence)
            }
        }
    }

    /// Sequences of the entries to try now: per fingerprint the oldest, if its time has come.
    private func dueEntries(now: Double) -> [UInt64] {
        var seen: Set<String> = []
        var due: [UInt64] = []
        for item in pending where seen.insert(item.entry.notification.fingerprint).inserted && item.nextAttempt <= now {
            due.append(item.entry.sequence)
        }
        return due
    }

    private func attempt(_ sequence: UInt64) async {
        guard let index = pending.firstIndex(where: { $0.entry.sequence == sequence }) else { return }
        let entry = pending[index].entry
        let notification = entry.notification
        let metadata: Logger.Metadata = [
            "alert": "\(notification.alertName)", "status": "\(notification.status.rawValue)", "fingerprint": "\(notification.fingerprint)",
        ]
        let outcome: DeliveryOutcome
        let reason: String
        do {
            let body = try receiver.format.body(for: notification, context: context)
            let response = try await transport.post(WebhookRequest(
                url: receiver.url, body: body, headers: receiver.headers, timeout: receiver.timeout))
            outcome = DeliveryOutcome.of(status: response.status)
            reason = "HTTP \(response.status)" + (outcome == .delivered || response.bodyExcerpt.isEmpty ? "" : ": \(response.bodyExcerpt)")
        } catch {
            outcome = .retried
            reason = "\(error)"
        }
        counts[outcome, default: 0] += 1
        guard let current = pending.firstIndex(where: { $0.entry.sequence == sequence }) else { return }
        switch outcome {
        case .delivered, .failed:
            let attempts = pending[current].attempts + 1
            do {
                try spool.remove(entry)
            } catch {
                logger.error("delivered but could not remove from the spool; it will be sent again after a restart", metadata: ["reason": "\(error)"])
            }
            pending.remove(at: current)
            if outcome == .delivered {
                logger.info("notification delivered", metadata: metadata.merging(["attempts": "\(attempts)", "url": "\(receiver.redactedURL)"]) { a, _ in a })
            } else {
                logger.error("receiver rejected the notification; not retrying", metadata: metadata.merging(["reason": "\(reason)", "url": "\(receiver.redactedURL)"]) { a, _ in a })
            }
        case .retried:
            pending[current].attempts += 1
            let delay = backoff(afterAttempts: pending[current].attempts)
            pending[current].nextAttempt = wallClock() + delay
            logger.warning("delivery failed; will retry", metadata: metadata.merging([
                "reason": "\(reason)", "retry_in_seconds": "\(Int(delay.rounded()))", "attempts": "\(pending[current].attempts)",
                "url": "\(receiver.redactedURL)",
            ]) { a, _ in a })
        }
    }

    /// The wait after `attempts` failed attempts: initial × 2^(attempts−1), capped, ±20% jitter.
    private func backoff(afterAttempts attempts: Int) -> Double {
        let base = receiver.initialBackoff.seconds * Double(1 << min(attempts - 1, 20))
        return min(base, receiver.maximumBackoff.seconds) * Double.random(in: 0.8...1.2)
    }
}
