// The reloads' new alerting plans, handed to the evaluation loop and answered when it applied them.
import NIOConcurrencyHelpers
import Support

/// A mailbox between reloads and the evaluation loop: `submit` waits until the loop `take`s the
/// change and `answer`s it, so a change is applied between two rounds, never during one. Closed
/// when alerting stops; what waits then, or comes later, is answered "not applied".
final class AlertingChanges: Sendable {
    /// A change and the reload waiting for it.
    struct Request: Sendable {
        let change: AlertingChange
        let answer: CheckedContinuation<Bool, Never>
    }

    private let state = NIOLockedValueBox<(waiting: [Request], closed: Bool)>(([], false))
    /// Rung when a change arrives or the mailbox closes: the loop's wait for its next round ends.
    let doorbell = Doorbell()

    /// Waits until the loop applied `change` (true), or alerting stopped first (false).
    func submit(_ change: AlertingChange) async -> Bool {
        await withCheckedContinuation { continuation in
            let accepted = state.withLockedValue { state -> Bool in
                guard !state.closed else { return false }
                state.waiting.append(Request(change: change, answer: continuation))
                return true
            }
            if accepted { doorbell.ring() } else { continuation.resume(returning: false) }
        }
    }

    /// The changes waiting, oldest first; the loop answers each once applied.
    func take() -> [Request] {
        state.withLockedValue { state in
            defer { state.waiting = [] }
            return state.waiting
        }
    }

    /// Whether `close` was called.
    var isClosed: Bool { state.withLockedValue { $0.closed } }

    /// Refuses changes from now on and answers the waiting ones "not applied".
    func close() {
        let waiting = state.withLockedValue { state -> [Request] in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for request in waiting { request.answer.resume(returning: false) }
        doorbell.ring()
    }
}
