// Which connections the HTTP server holds, and which one gives way when a new one needs the slot.
import NIOCore

/// The server's open connections, each either waiting for a complete request (since an instant)
/// or answering one. The policy when every slot is taken: the connection that has waited longest
/// without a complete request (an idle keep-alive connection, or one trickling its head) is closed
/// to admit the new one, so idle and slow connections can never lock scrapers out. A connection
/// answering a request is never chosen; only when every slot is answering is the new one refused.
struct ConnectionTable<Connection: Sendable>: Sendable {
    /// One held connection.
    private struct Entry {
        var connection: Connection
        /// Since when it has waited for a complete request; nil while it answers one.
        var waitingSince: NIODeadline?
    }

    /// What to do with a new connection.
    enum Admission {
        /// Hold it under `id`; close `evicted` (already removed from the table) if there is one.
        case admitted(id: Int, evicted: Connection?)
        /// Every slot is answering a request: close the new connection.
        case refused
    }

    /// Slots in all.
    let capacity: Int
    private var entries: [Int: Entry] = [:]
    private var nextID = 0

    /// An empty table of `capacity` slots (at least one).
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// How many connections are held.
    var count: Int { entries.count }

    /// Admits `connection`, which starts waiting for its first request at `now`, evicting the
    /// longest-waiting held connection if the table is full (the older one on a tie).
    mutating func admit(_ connection: Connection, at now: NIODeadline) -> Admission {
        var evicted: Connection?
        if entries.count >= capacity {
            let victim = entries.lazy
                .compactMap { id, entry in entry.waitingSince.map { (id: id, since: $0) } }
                .min { ($0.since, $0.id) < ($1.since, $1.id) }
            guard let victim else { return .refused }
            evicted = entries.removeValue(forKey: victim.id)?.connection
        }
        let id = nextID
        nextID += 1
        entries[id] = Entry(connection: connection, waitingSince: now)
        return .admitted(id: id, evicted: evicted)
    }

    /// Connection `id` has sent a complete request and is being answered: it cannot be evicted.
    mutating func markAnswering(_ id: Int) {
        entries[id]?.waitingSince = nil
    }

    /// Connection `id` has been answered and waits for its next request since `now`.
    mutating func markWaiting(_ id: Int, since now: NIODeadline) {
        entries[id]?.waitingSince = now
    }

    /// Connection `id` is closed (nothing happens if it was evicted before).
    mutating func remove(_ id: Int) {
        entries[id] = nil
    }
}
