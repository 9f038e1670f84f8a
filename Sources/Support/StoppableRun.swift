// A loop that a reload may end: run until stopped, and tell when it has ended.

/// Runs a loop until `stop()`, cancellation or the loop's own end, and tells when it has ended.
/// What a reload removes or changes (a target's sampler, a receiver's delivery queue) runs under
/// one: the reload stops it and waits for its last work (a cycle, a spool write) before it frees
/// what the loop used or starts its successor.
package final class StoppableRun: Sendable {
    /// Opened to stop the loop.
    private let stopRequested = Latch()
    /// Opened once `run` returned.
    private let endedLatch = Latch()

    /// A run not started yet.
    package init() {}

    /// Runs `body` until `stop()` or cancellation (then `body`'s task is cancelled and awaited), or
    /// until it returns by itself.
    package func run(_ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask(priority: nil) { await body() }
            group.addTask(priority: nil) { await self.stopRequested.wait() }
            await group.next()
            group.cancelAll()
        }
        endedLatch.open()
    }

    /// Asks the loop to stop; returns at once (`ended()` waits for it).
    package func stop() {
        stopRequested.open()
    }

    /// Returns once `run` has returned (or the waiting task is cancelled).
    package func ended() async {
        await endedLatch.wait()
    }
}
