// Alerting's file writes (spool, alert state) on one thread of their own, off Swift's cooperative pool.
import NIOCore
import NIOPosix

/// Runs blocking file operations (write, fsync, rename, unlink) on one dedicated thread, so a slow
/// or stuck disk never blocks the cooperative threads that evaluation and delivery run on, nor the
/// threads that talk to PostgreSQL. One thread runs the operations in the order they were
/// submitted: a file written and then removed is never removed first.
package final class DiskWorker: Sendable {
    private let pool: NIOThreadPool

    /// Starts the thread.
    package init() {
        pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
    }

    /// Runs `operation` on the disk thread and returns its result. A cancelled task still waits
    /// for it: a write that started is never reported as failed while it goes on.
    package func run<Result: Sendable>(_ operation: @escaping @Sendable () throws(SpoolError) -> Result) async throws(SpoolError) -> Result {
        do {
            return try await pool.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.any()) { try operation() }.get()
        } catch let error as SpoolError {
            throw error
        } catch {
            throw SpoolError(message: "the disk thread is stopped (\(error))")
        }
    }

    /// Stops the thread once the submitted operations have run.
    package func shutDown() {
        pool.shutdownGracefully { _ in }
    }
}
