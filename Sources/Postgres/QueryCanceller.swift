// Sends a target's cancel requests off its lane, at most one at a time.
import CLibPQ
import NIOConcurrencyHelpers
import Support

/// Cancels the queries of one target that missed their deadline.
///
/// `PQcancel` opens a new connection to the server and waits for it to answer, with no timeout of
/// its own: on a stuck server or a hung network path it can block as long as the query did. So it
/// runs on a short-lived thread of its own, never on the target's lane, and a target has at most
/// one cancel in flight; while one is, later ones are skipped. Skipping loses nothing that matters:
/// the connection of the query is dropped right after, and the server ends a backend whose client
/// went away when it next reads from it.
final class QueryCanceller: Sendable {
    private let inFlight = NIOLockedValueBox(false)

    /// Creates a canceller with nothing in flight.
    package init() {}

    /// Whether a cancel request is being sent now.
    var isSending: Bool { inFlight.withLockedValue { $0 } }

    /// Sends `cancel` (from `PQgetCancel`) on a new thread and frees it, or frees it unsent when
    /// another cancel is still in flight. Returns whether it was sent.
    @discardableResult
    package func send(_ cancel: OpaquePointer) -> Bool {
        let request = CancelRequest(handle: cancel)
        let claimed = inFlight.withLockedValue { busy in
            if busy { return false }
            busy = true
            return true
        }
        guard claimed else {
            request.free()
            return false
        }
        let started = DetachedThread.run { [inFlight] in
            request.send()
            request.free()
            inFlight.withLockedValue { $0 = false }
        }
        if !started {
            // No thread to be had: the connection is dropped anyway, which ends the query too.
            request.free()
            inFlight.withLockedValue { $0 = false }
        }
        return started
    }
}

/// A `PGcancel` object on its way to the thread that sends it.
///
/// `@unchecked Sendable`: a `PGcancel` holds no reference to its connection (libpq documents it
/// as safe to use from another thread), and exactly one thread uses it after it is handed over.
private struct CancelRequest: @unchecked Sendable {
    let handle: OpaquePointer

    /// Sends the request; its outcome is not reported (the connection is dropped either way).
    func send() {
        var errorBuffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(handle, &errorBuffer, Int32(errorBuffer.count))
    }

    func free() {
        PQfreeCancel(handle)
    }
}
