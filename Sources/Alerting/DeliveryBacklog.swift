// The notifications one receiver's queue holds, and what becomes of them: apart from the spool's and the network's I/O.

/// A receiver's waiting notifications and the decisions about them, as a value: which one goes
/// next, which are coalesced or dropped when more arrive, what a failed attempt means. It does no
/// I/O and reads no clock (`now` is passed in), so `DeliveryBacklogTests` drive it alone;
/// `DeliveryQueue` writes the spool, posts, and logs what it decides.
///
/// Per alert (fingerprint) only the oldest waiting notification is due, so a resolve never
/// overtakes its firing. For whole-state formats (Alertmanager's API) at most one notification per
/// alert waits besides the one in flight: the newest replaces it, carrying over its backoff. A full
/// backlog drops its oldest notification that is not in flight.
struct DeliveryBacklog {
    /// Where a notification stands with the spool.
    enum SpoolState: Sendable {
        /// Its write has not finished yet.
        case unwritten
        /// It is in the spool.
        case written
        /// Its write failed; it lives in memory only until a later write succeeds.
        case failed
    }

    /// A notification waiting for its next attempt.
    struct Pending: Sendable {
        /// The notification and its sequence.
        var entry: SpoolEntry
        /// Attempts that failed so far.
        var attempts = 0
        /// No attempt before this time (seconds since 1970).
        var nextAttempt: Double
        /// Where it stands with the spool.
        var spooled: SpoolState
        /// When it was queued.
        var queuedAt: Double

        /// When it may be sent: its attempt time, and not before its write had a chance to finish.
        func sendableAt(grace: Double) -> Double {
            spooled == .unwritten ? max(nextAttempt, queuedAt + grace) : nextAttempt
        }
    }

    /// A notification that left the backlog to make room, or was made pointless by a newer one.
    enum Displaced {
        /// Replaced by a newer notification of the same alert (whole-state formats).
        case replaced(Pending)
        /// Dropped unsent: the backlog was full.
        case dropped(Pending)
    }

    /// The waiting notifications, oldest first.
    private(set) var pending: [Pending]
    /// The sequence the next notification gets.
    private(set) var nextSequence: UInt64
    /// The notification being posted now, which nothing replaces or drops.
    private(set) var inFlight: UInt64?
    /// The most notifications that wait.
    let limit: Int
    /// Whether each request carries an alert's whole state, so a newer one replaces a waiting one
    /// (changed by a reload that changes the receiver's format: it applies to what is queued next).
    var coalesces: Bool

    /// An empty backlog of at most `limit` notifications.
    init(limit: Int, coalesces: Bool) {
        self.limit = max(1, limit)
        self.coalesces = coalesces
        pending = []
        nextSequence = 1
    }

    /// Takes what the spool kept from an earlier run (`replayed`, in sequence order) as written and
    /// due at `now`; returns the oldest beyond `limit`, which are dropped unsent.
    mutating func restore(_ replayed: [SpoolEntry], now: Double) -> [SpoolEntry] {
        let kept = replayed.suffix(limit)
        pending = kept.map { Pending(entry: $0, nextAttempt: now, spooled: .written, queuedAt: now) }
        nextSequence = (replayed.map(\.sequence).max() ?? 0) + 1
        return Array(replayed.dropLast(kept.count))
    }

    /// Queues `notification` at `now`, not yet written; returns what left the backlog for it.
    mutating func enqueue(_ notification: AlertNotification, now: Double) -> Displaced? {
        var waiting = Pending(
            entry: SpoolEntry(sequence: nextSequence, notification: notification), nextAttempt: now, spooled: .unwritten, queuedAt: now)
        nextSequence += 1
        var displaced: Displaced?
        if coalesces,
            let index = pending.firstIndex(where: { $0.entry.notification.fingerprint == notification.fingerprint && $0.entry.sequence != inFlight })
        {
            // The replaced one's backoff carries over: re-sends during an outage do not hammer the receiver.
            waiting.attempts = pending[index].attempts
            waiting.nextAttempt = max(now, pending[index].nextAttempt)
            displaced = .replaced(pending.remove(at: index))
        } else if pending.count >= limit, let index = pending.firstIndex(where: { $0.entry.sequence != inFlight }) {
            displaced = .dropped(pending.remove(at: index))
        }
        pending.append(waiting)
        return displaced
    }

    /// The sequences to try at `now`: per alert the oldest, if its time has come (an unwritten one
    /// waits up to `grace` for its spool write).
    func due(at now: Double, grace: Double) -> [UInt64] {
        var seen: Set<String> = []
        return pending.filter { seen.insert($0.entry.notification.fingerprint).inserted && $0.sendableAt(grace: grace) <= now }
            .map(\.entry.sequence)
    }

    /// Seconds from `now` until the next notification may be sent; nil when none waits.
    func untilNextSendable(from now: Double, grace: Double) -> Double? {
        pending.map { $0.sendableAt(grace: grace) }.min().map { max(0, $0 - now) }
    }

    /// Starts the attempt of `sequence`: its notification, nil when it is gone.
    mutating func begin(_ sequence: UInt64) -> AlertNotification? {
        guard let notification = pending.first(where: { $0.entry.sequence == sequence })?.entry.notification else { return nil }
        inFlight = sequence
        return notification
    }

    /// The attempt of `sequence` ended for good (delivered, or rejected for good): it leaves the
    /// backlog, returned with its attempts counted; nil when it was gone meanwhile.
    mutating func finish(_ sequence: UInt64) -> Pending? {
        inFlight = nil
        guard let index = index(of: sequence) else { return nil }
        var finished = pending.remove(at: index)
        finished.attempts += 1
        return finished
    }

    /// The attempt of `sequence` failed at `now` and is retried after `delay(attempts)` seconds;
    /// returns the attempts so far and the delay, nil when it was gone meanwhile.
    mutating func retry(_ sequence: UInt64, at now: Double, delay: (Int) -> Double) -> (attempts: Int, delay: Double)? {
        inFlight = nil
        guard let index = index(of: sequence) else { return nil }
        pending[index].attempts += 1
        let wait = delay(pending[index].attempts)
        pending[index].nextAttempt = now + wait
        return (pending[index].attempts, wait)
    }

    /// Makes every waiting notification due at `now`, its backoff forgotten: the receiver was
    /// changed (a reload), so what failed before may go through now.
    mutating func retryAll(at now: Double) {
        for index in pending.indices {
            pending[index].attempts = 0
            pending[index].nextAttempt = min(pending[index].nextAttempt, now)
        }
    }

    /// Records the outcome of `sequence`'s spool write; false when it left the backlog meanwhile.
    mutating func markSpooled(_ sequence: UInt64, _ state: SpoolState) -> Bool {
        guard let index = index(of: sequence) else { return false }
        pending[index].spooled = state
        return true
    }

    private func index(of sequence: UInt64) -> Int? {
        pending.firstIndex { $0.entry.sequence == sequence }
    }
}
