// A wake-up signal between tasks: one side waits (with a timeout), the other rings.
import NIOConcurrencyHelpers

/// Lets a worker sleep until there is work, a deadline passes, or its task is cancelled. A ring
/// while nobody waits is remembered, so no wake-up is lost.
package final class Doorbell: Sendable {
    /// Who waits, and whether a ring came while nobody did.
    private struct State {
        var waiter: CheckedContinuation<Void, Never>?
        var rung = false
    }

    private let state = NIOLockedValueBox(State())

    /// Creates a doorbell nobody waits on.
    package init() {}

    /// Wakes the waiter, or the next one to wait.
    package func ring() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Returns after `timeout` has passed on `clock` (a manual clock in tests), or earlier when
    /// rung or when the task is cancelled.
    package func wait<C: Clock>(timeout: Duration, on clock: C) async where C.Duration == Duration {
        await withTaskGroup(of: Void.self) { group in
            group.addTask(priority: nil) {
                if (try? await clock.sleep(for: timeout)) != nil { self.ring() }
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let alreadyRung = state.withLockedValue { state -> Bool in
                        if state.rung {
                            state.rung = false
                            return true
                        }
                        state.waiter = continuation
                        return false
                    }
                    if alreadyRung { continuation.resume() }
                }
            } onCancel: {
                self.ring()
            }
            group.cancelAll()
        }
    }
}
