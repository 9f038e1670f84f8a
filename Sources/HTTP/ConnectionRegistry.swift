// The connection table shared by the server's event loops: admits, evicts and forgets connections.
import NIOConcurrencyHelpers
import NIOCore

/// The server's `ConnectionTable` of channels under a lock, since connections live on several
/// event loops. Evicted channels are closed here; every connection the server ends is counted in
/// `closed`.
final class ConnectionRegistry: Sendable {
    private let table: NIOLockedValueBox<ConnectionTable<any Channel>>
    /// The connections the server ended, by reason.
    package let closed: HTTPClosedConnections

    /// A registry of `capacity` slots whose answering connections may give way after `stalledAfter`.
    package init(capacity: Int, stalledAfter: TimeAmount, closed: HTTPClosedConnections) {
        table = NIOLockedValueBox(ConnectionTable(capacity: capacity, stalledAfter: stalledAfter))
        self.closed = closed
    }

    /// Admits `channel` and returns its id, closing the connection it displaces; nil if every
    /// slot is answering a request freshly (the caller closes `channel`).
    package func admit(_ channel: any Channel) -> Int? {
        let admission = table.withLockedValue { $0.admit(channel, at: .now()) }
        guard case .admitted(let id, let evicted) = admission else {
            closed.record(.refused)
            return nil
        }
        if let evicted {
            closed.record(.evicted)
            evicted.close(promise: nil)
        }
        return id
    }

    /// Connection `id` is answering a request from now on.
    func markAnswering(_ id: Int) {
        table.withLockedValue { $0.markAnswering(id, since: .now()) }
    }

    /// Connection `id` waits for its next request from now on.
    func markWaiting(_ id: Int) {
        table.withLockedValue { $0.markWaiting(id, since: .now()) }
    }

    /// Connection `id` is closed.
    package func remove(_ id: Int) {
        table.withLockedValue { $0.remove(id) }
    }
}
