// A clock that moves only when a test moves it: timers on it fire without anyone sleeping.
import NIOConcurrencyHelpers

/// A `Clock` whose time stands still until `advance(by:)`: a loop on it (an `AsyncTimerSequence`)
/// ticks exactly when the test says, so its decisions are tested without sleeping.
package final class ManualClock: Clock, Sendable {
    /// A point on the clock: how far it has been advanced.
    package struct Instant: InstantProtocol {
        /// The time since the clock was made.
        package var offset: Duration

        package func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        package func duration(to other: Instant) -> Duration { other.offset - offset }
        package static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    /// A task asleep until `deadline`.
    private struct Sleeper {
        var id: UInt64
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    /// The time, the sleepers, and the next sleeper's id.
    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        var nextID: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    /// A clock at offset zero.
    package init() {}

    package var now: Instant { state.withLockedValue { $0.now } }

    package var minimumResolution: Duration { .zero }

    /// How many tasks sleep on the clock now (a loop that waits for its next tick is one).
    package var sleeperCount: Int { state.withLockedValue { $0.sleepers.count } }

    /// When the tasks asleep on the clock wake, as offsets from its start, earliest first.
    package var deadlines: [Duration] { state.withLockedValue { $0.sleepers.map(\.deadline.offset).sorted() } }

    package func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLockedValue { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLockedValue { state -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= state.now { return .success(()) }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = state.withLockedValue { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `duration`, waking every task whose deadline has come.
    package func advance(by duration: Duration) {
        let woken = state.withLockedValue { state -> [Sleeper] in
            state.now = state.now.advanced(by: duration)
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}
