// Which connections the HTTP server holds, and which one gives way when a new one needs the slot.
import NIOCore

/// The server's open connections, each waiting for a complete request or answering one, since an
/// instant. The policy when every slot is taken: the connection that has waited longest without
/// a complete request (an idle keep-alive connection, or one trickling its head) is closed to
/// admit the new one, so idle and slow connections can never lock scrapers out. A connection
/// answering a request is not chosen while its answer is fresh; one whose answer has been
/// pending longer than `stalledAfter` (its client does not read) is chosen, oldest first, only
/// when no connection waits. When every slot is answering freshly, the new one is refused.
package struct ConnectionTable<Connection: Sendable>: Sendable {
    /// One held connection.
    private struct Entry {
        var connection: Connection
        var activity: Activity
    }

    /// What a connection does, since when.
    private enum Activity {
        case waiting(since: NIODeadline)
        case answering(since: NIODeadline)
    }

    /// What to do with a new connection.
    package enum Admission {
        /// Hold it under `id`; close `evicted` (already removed from the table) if there is one.
        case admitted(id: Int, evicted: Connection?)
        /// Every slot is answering a request: close the new connection.
        case refused
    }

    /// Slots in all.
    package let capacity: Int
    /// How long an answer may be pending before its connection may give way.
    let stalledAfter: TimeAmount
    private var entries: [Int: Entry] = [:]
    private var nextID = 0

    /// An empty table of `capacity` slots (at least one).
    package init(capacity: Int, stalledAfter: TimeAmount) {
        self.capacity = max(1, capacity)
        self.stalledAfter = stalledAfter
    }

    /// How many connections are held.
    package var count: Int { entries.count }

    /// Admits `connection`, which starts waiting for its first request at `now`, evicting a held
    /// connection by the policy above if the table is full (the older one on a tie).
    package mutating func admit(_ connection: Connection, at now: NIODeadline) -> Admission {
        var evicted: Connection?
        if entries.count >= capacity {
            guard let victim = victim(at: now) else { return .refused }
            evicted = entries.removeValue(forKey: victim)?.connection
        }
        let id = nextID
        nextID += 1
        entries[id] = Entry(connection: connection, activity: .waiting(since: now))
        return .admitted(id: id, evicted: evicted)
    }

    /// The longest-waiting connection, else the longest-stalled answering one, else nil.
    private func victim(at now: NIODeadline) -> Int? {
        var waiting: (since: NIODeadline, id: Int)?
        var stalled: (since: NIODeadline, id: Int)?
        for (id, entry) in entries {
            switch entry.activity {
            case .waiting(let since):
                if waiting.map({ (since, id) < $0 }) ?? true { waiting = (since, id) }
            case .answering(let since) where since + stalledAfter <= now:
                if stalled.map({ (since, id) < $0 }) ?? true { stalled = (since, id) }
            case .answering:
                break
            }
        }
        return (waiting ?? stalled)?.id
    }

    /// Connection `id` has sent a complete request and is answered from `now` on.
    mutating func markAnswering(_ id: Int, since now: NIODeadline) {
        entries[id]?.activity = .answering(since: now)
    }

    /// Connection `id` has been answered and waits for its next request since `now`.
    mutating func markWaiting(_ id: Int, since now: NIODeadline) {
        entries[id]?.activity = .waiting(since: now)
    }

    /// Connection `id` is closed (nothing happens if it was evicted before).
    package mutating func remove(_ id: Int) {
        entries[id] = nil
    }
}
