// Threads of a test's own for statements that block, off the shared concurrency pool.
import NIOPosix

/// Runs `body` with a pool of `threads` threads of its own for blocking work (a session waiting on
/// a lock, a load loop's statements), so the other suites' agents, which share the test process's
/// few concurrency threads, are never starved; shut down after `body`, whether it threw or not.
func withBlockingPool<T>(threads: Int = 3, _ body: (NIOThreadPool) async throws -> T) async throws -> T {
    let pool = NIOThreadPool(numberOfThreads: threads)
    pool.start()
    do {
        let result = try await body(pool)
        try await pool.shutdownGracefully()
        return result
    } catch {
        try? await pool.shutdownGracefully()
        throw error
    }
}
