// The thread one target's blocking libpq work runs on, so a stuck target holds up no other.
import NIOPosix

/// Where a target's sessions (its main session and its per-database children) run their libpq
/// calls, and who cancels their queries that missed the deadline. Each target of the agent has a
/// lane of its own: one thread, so a stuck server delays only its own target, however many
/// targets there are. Calls on a lane are bounded by the client deadline, except DNS resolution
/// inside `PQconnectStartParams` (bounded by the resolver's own timeout, see README).
package final class TargetLane: Sendable {
    /// Runs the blocking calls.
    package let threadPool: NIOThreadPool
    /// Sends the target's cancel requests, off the lane.
    let canceller = QueryCanceller()
    private let ownsThreadPool: Bool

    /// A lane with a started thread of its own, shut down by `shutDown`.
    package static func dedicated() -> TargetLane {
        let threadPool = NIOThreadPool(numberOfThreads: 1)
        threadPool.start()
        return TargetLane(threadPool: threadPool, owned: true)
    }

    /// A lane on a pool owned by someone else (tests, one-shot tools).
    package convenience init(sharing threadPool: NIOThreadPool) {
        self.init(threadPool: threadPool, owned: false)
    }

    private init(threadPool: NIOThreadPool, owned: Bool) {
        self.threadPool = threadPool
        ownsThreadPool = owned
    }

    /// Stops the lane's thread once its current call returns (a shared pool is left running).
    package func shutDown() {
        if ownsThreadPool { threadPool.shutdownGracefully { _ in } }
    }
}
