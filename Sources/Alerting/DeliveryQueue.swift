// At-least-once delivery of one receiver's notifications: spooled first, retried with backoff.
import Config
import Logging
import Support

/// Delivers a receiver's notifications. Each is written to the spool before its first attempt
/// and removed only after a 2xx (or a rejection that retrying cannot fix). Attempts that get no
/// answer, 408, 429 or 5xx are retried with exponential backoff and jitter. Per alert
/// (fingerprint) only the oldest waiting notification is sent, so a resolve never overtakes its
/// firing; one alert's backoff leaves the others' notifications flowing, though attempts go out
/// one at a time.
///
/// The disk never costs a notification: a notification whose spool write fails (disk full,
/// read-only, permissions) or takes longer than `spoolWriteGrace` is delivered from memory, and
/// its write is tried again every `spoolRetryInterval` (10 s) until the disk allows it. The backlog is
/// bounded (`backlogLimit`): when it is full the oldest waiting notification is dropped, counted
/// as `dropped`. For receivers whose requests carry an alert's whole state (Alertmanager's API),
/// at most one notification per alert waits: the newest replaces a waiting one that is not in
/// flight, so a long outage builds no backlog of re-sends.
package actor DeliveryQueue {
    /// How many notifications a receiver keeps waiting at most, by default.
    static let defaultBacklogLimit = 10_000
    /// How long the first attempt waits for the spool write before it goes out from memory.
    static let spoolWriteGrace = 1.0
    /// How often a spool that failed is tried again (failed writes, or a probe when nothing waits), by default.
    static let defaultSpoolRetryInterval = 10.0

    /// The receiver's name: its spool's directory and its metrics' `receiver` label, which a
    /// reload never changes (a receiver renamed is one removed and one added).
    package nonisolated let name: String
    /// The receiver's settings; a reload may change them (`update`).
    package private(set) var receiver: ReceiverSettings
    private let spool: Spool
    private let disk: DiskWorker
    private let transport: any WebhookTransport
    private var context: PayloadFormat.Context
    private let logger: Logger
    private let wallClock: @Sendable () -> Double
    /// What the loops' waits run on (a manual clock in tests, with `wallClock` read from it).
    private let clock: any Clock<Duration>
    /// Where the retry jitter comes from (a seeded generator in tests).
    private var randomness: any RandomNumberGenerator & Sendable
    private let spoolRetryInterval: Double
    private let sendDoorbell = Doorbell()
    private let spoolDoorbell = Doorbell()
    /// The waiting notifications and what becomes of them.
    private var backlog: DeliveryBacklog
    /// Spooled files of notifications that are no longer pending (delivered, rejected, replaced, dropped).
    private var filesToRemove: [SpoolEntry] = []
    /// Spooled files whose removal failed; tried again with the failed writes.
    private var removalsToRetry: [SpoolEntry] = []
    private var nextSpoolRetry = -Double.infinity
    /// Per outcome: attempts (`delivered`, `retried`, `failed`) and notifications given up unsent (`dropped`).
    package private(set) var counts: [DeliveryOutcome: Int] = [:]
    /// Whether the last spool operation succeeded; false while notifications wait in memory only.
    private(set) var spoolWritable = true

    /// Opens the queue over `spool`, replaying what an earlier run left there. `wallClock` (seconds
    /// since 1970) dates attempts and `clock` runs the waits between them; `randomness` draws the
    /// retry jitter.
    package init(
        receiver: ReceiverSettings, spool: Spool, disk: DiskWorker, transport: any WebhookTransport, externalURL: String,
        logger: Logger, wallClock: @escaping @Sendable () -> Double, clock: any Clock<Duration> = ContinuousClock(),
        randomness: any RandomNumberGenerator & Sendable = SystemRandomNumberGenerator(),
        backlogLimit: Int = DeliveryQueue.defaultBacklogLimit, spoolRetryInterval: Double = DeliveryQueue.defaultSpoolRetryInterval
    ) throws(SpoolError) {
        self.name = receiver.name
        self.receiver = receiver
        self.spool = spool
        self.disk = disk
        self.transport = transport
        self.context = Self.context(of: receiver, externalURL: externalURL)
        var logger = logger
        logger[metadataKey: "receiver"] = "\(receiver.name)"
        self.logger = logger
        self.wallClock = wallClock
        self.clock = clock
        self.randomness = randomness
        self.spoolRetryInterval = spoolRetryInterval
        backlog = DeliveryBacklog(limit: backlogLimit, coalesces: receiver.format.sendsWholeState)
        let excess = backlog.restore(try spool.load(), now: wallClock())
        let replaying = backlog.pending.count
        if replaying > 0 { logger.info("replaying spooled notifications", metadata: ["count": "\(replaying)"]) }
        if !excess.isEmpty {
            filesToRemove = excess
            counts[.dropped] = excess.count
            logger.error(
                "more spooled notifications than the backlog holds; dropped the oldest",
                metadata: [
                    "dropped": "\(excess.count)", "backlog_limit": "\(backlogLimit)",
                ])
        }
    }

    /// Queues `notification`: its spool write starts at once, and it is sent after the write, or
    /// from memory if the write fails or is slow.
    func enqueue(_ notification: AlertNotification) {
        switch backlog.enqueue(notification, now: wallClock()) {
        case .replaced(let older):
            removeFile(of: older)
        case .dropped(let oldest):
            removeFile(of: oldest)
            counts[.dropped, default: 0] += 1
            let dropped = oldest.entry.notification
            logger.error(
                "the backlog is full; dropped the oldest waiting notification",
                metadata: [
                    "alert": "\(dropped.alertName)", "status": "\(dropped.status.rawValue)", "fingerprint": "\(dropped.fingerprint)",
                    "backlog_limit": "\(backlog.limit)",
                ])
        case nil:
            break
        }
        spoolDoorbell.ring()
        sendDoorbell.ring()
    }

    /// Sends from now on with `settings` (same name) and `externalURL` (a reload changed them): the
    /// attempt in flight ends with the old settings; what waits, and what is spooled, is tried
    /// at once with the new ones, its backoff forgotten.
    func update(_ settings: ReceiverSettings, externalURL: String) {
        receiver = settings
        context = Self.context(of: settings, externalURL: externalURL)
        backlog.coalesces = settings.format.sendsWholeState
        backlog.retryAll(at: wallClock())
        sendDoorbell.ring()
    }

    /// Logs that a reload removed the receiver (its loop has ended), and what it leaves unsent.
    func logRemoved() {
        let unsent = backlog.pending.count
        let unspooled = backlog.pending.filter { $0.spooled != .written }.count
        if unsent == 0 {
            logger.info("receiver removed")
        } else if unspooled > 0 {
            counts[.dropped, default: 0] += unspooled
            logger.error(
                "receiver removed with notifications unsent; those its unwritable spool does not hold are lost",
                metadata: ["unsent": "\(unsent)", "lost": "\(unspooled)", "spool": "\(spool.directory)"])
        } else {
            logger.warning(
                "receiver removed with notifications unsent; they stay in its spool and are sent if a receiver of this name is configured again",
                metadata: ["unsent": "\(unsent)", "spool": "\(spool.directory)"])
        }
    }

    /// What the payloads of `receiver` carry besides the notification.
    private static func context(of receiver: ReceiverSettings, externalURL: String) -> PayloadFormat.Context {
        PayloadFormat.Context(receiver: receiver.name, externalURL: externalURL, routingKey: receiver.routingKey)
    }

    /// How many notifications wait for delivery (spooled or in memory).
    var pendingCount: Int { backlog.pending.count }

    /// Sends and keeps the spool until cancelled; then writes what is still unspooled, once.
    package func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask(priority: nil) { await self.keepSpool() }
            await send()
            group.cancelAll()
        }
        await spoolPass(retrying: true)
    }

    // MARK: Sending

    /// Sends until cancelled: every due notification that is the oldest of its alert.
    private func send() async {
        while !Task.isCancelled {
            let now = wallClock()
            let due = backlog.due(at: now, grace: Self.spoolWriteGrace)
            if due.isEmpty {
                let earliest = backlog.untilNextSendable(from: now, grace: Self.spoolWriteGrace) ?? 3600
                await sendDoorbell.wait(timeout: Self.wait(earliest), on: clock)
                continue
            }
            for sequence in due where !Task.isCancelled {
                await attempt(sequence)
            }
        }
    }

    private func attempt(_ sequence: UInt64) async {
        guard let notification = backlog.begin(sequence) else { return }
        let metadata: Logger.Metadata = [
            "alert": "\(notification.alertName)", "status": "\(notification.status.rawValue)", "fingerprint": "\(notification.fingerprint)",
        ]
        let outcome: DeliveryOutcome
        let reason: String
        do {
            let body = try receiver.format.body(for: notification, context: context)
            let response = try await transport.post(
                WebhookRequest(
                    url: receiver.url, body: body, headers: receiver.headers, timeout: receiver.timeout))
            outcome = DeliveryOutcome.of(status: response.status)
            reason = "HTTP \(response.status)" + (outcome == .delivered || response.bodyExcerpt.isEmpty ? "" : ": \(response.bodyExcerpt)")
        } catch {
            outcome = .retried
            reason = "\(error)"
        }
        counts[outcome, default: 0] += 1
        switch outcome {
        case .delivered, .failed, .dropped:
            guard let finished = backlog.finish(sequence) else { return }
            removeFile(of: finished)
            if outcome == .delivered {
                logger.info(
                    "notification delivered",
                    metadata: metadata.merging(["attempts": "\(finished.attempts)", "url": "\(receiver.redactedURL)"]) { a, _ in a })
            } else {
                logger.error(
                    "receiver rejected the notification; not retrying",
                    metadata: metadata.merging(["reason": "\(reason)", "url": "\(receiver.redactedURL)"]) { a, _ in a })
            }
        case .retried:
            guard let (attempts, delay) = backlog.retry(sequence, at: wallClock(), delay: backoff(afterAttempts:)) else { return }
            logger.warning(
                "delivery failed; will retry",
                metadata: metadata.merging([
                    "reason": "\(reason)", "retry_in_seconds": "\(Int(delay.rounded()))", "attempts": "\(attempts)",
                    "url": "\(receiver.redactedURL)",
                ]) { a, _ in a })
        }
    }

    /// The wait after `attempts` failed attempts: initial × 2^(attempts−1), capped, ±20% jitter.
    private func backoff(afterAttempts attempts: Int) -> Double {
        ExponentialBackoff(initial: receiver.initialBackoff.seconds, maximum: receiver.maximumBackoff.seconds, jitter: 0.2)
            .delay(afterFailures: attempts, using: &randomness)
    }

    /// A wait of `seconds` (at most an hour) rounded up to the next millisecond, so that the loop
    /// wakes when what it waits for is due, not just before.
    private static func wait(_ seconds: Double) -> Duration {
        .milliseconds(Int64(min(seconds, 3600) * 1000) + 1)
    }

    /// Removes the spool file of a notification that left the backlog, if it was written. (One
    /// being written now is removed by the spool keeper once the write returns.)
    private func removeFile(of removed: DeliveryBacklog.Pending) {
        guard removed.spooled == .written else { return }
        filesToRemove.append(removed.entry)
        spoolDoorbell.ring()
    }

    // MARK: Keeping the spool

    /// Writes new notifications and removes finished ones until cancelled. What failed (writes,
    /// removals) is tried again every `spoolRetryInterval`, and while the spool is unwritable with
    /// nothing to retry, a probe file tells when the disk takes writes again.
    private func keepSpool() async {
        while !Task.isCancelled {
            let now = wallClock()
            let retrying =
                now >= nextSpoolRetry
                && (!spoolWritable || !removalsToRetry.isEmpty || backlog.pending.contains { $0.spooled == .failed })
            if !retrying && filesToRemove.isEmpty && !backlog.pending.contains(where: { $0.spooled == .unwritten }) {
                let wait = nextSpoolRetry > now ? nextSpoolRetry - now : 3600
                await spoolDoorbell.wait(timeout: Self.wait(wait), on: clock)
                continue
            }
            await spoolPass(retrying: retrying)
        }
    }

    /// One round of spool work: removals first (they free space), then writes of the unwritten
    /// notifications; when `retrying`, also what failed before, or a probe if nothing did.
    private func spoolPass(retrying: Bool) async {
        let spool = spool
        let removals = filesToRemove + (retrying ? removalsToRetry : [])
        filesToRemove = []
        if retrying { removalsToRetry = [] }
        let writes = backlog.pending.filter { $0.spooled == .unwritten || (retrying && $0.spooled == .failed) }.map(\.entry)
        var failure: SpoolError?
        var wrote = false
        for entry in removals {
            do {
                try await disk.run { () throws(SpoolError) in try spool.remove(entry) }
            } catch {
                failure = error
                removalsToRetry.append(entry)
            }
        }
        for entry in writes {
            var state = DeliveryBacklog.SpoolState.written
            do {
                try await disk.run { () throws(SpoolError) in try spool.write(entry) }
                wrote = true
            } catch {
                failure = error
                state = .failed
            }
            if !backlog.markSpooled(entry.sequence, state), state == .written {
                filesToRemove.append(entry)  // finished while it was being written
            }
            sendDoorbell.ring()
        }
        if retrying && removals.isEmpty && writes.isEmpty {
            do {
                try await disk.run { () throws(SpoolError) in try spool.probe() }
                wrote = true
            } catch {
                failure = error
            }
        }
        // A removal that cannot be done costs nothing but a repeat after a restart: keep a bounded number.
        if removalsToRetry.count > backlog.limit { removalsToRetry.removeFirst(removalsToRetry.count - backlog.limit) }
        noteSpoolHealth(failure: failure, wrote: wrote)
    }

    /// Records how the last spool round went, logging each change once: any failure makes the
    /// spool unwritable (and schedules the retry), and only a write that succeeded (not a
    /// removal) makes it writable again, with what failed retried at once.
    private func noteSpoolHealth(failure: SpoolError?, wrote: Bool) {
        let now = wallClock()
        if let failure {
            if nextSpoolRetry <= now { nextSpoolRetry = now + spoolRetryInterval }
            guard spoolWritable else { return }
            spoolWritable = false
            logger.error(
                "cannot write the spool; notifications are delivered from memory and a restart would lose them until the disk allows writes again",
                metadata: [
                    "reason": "\(failure)", "retry_in_seconds": "\(spoolRetryInterval)",
                ])
        } else if wrote && !spoolWritable {
            spoolWritable = true
            nextSpoolRetry = -.infinity
            logger.info("the spool is writable again")
        }
    }
}
