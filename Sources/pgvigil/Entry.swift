// The process's entry point: the command line runs on Swift's concurrency pool while the main thread waits.
import Dispatch

/// Runs `PGVigilCommand` on the concurrency pool and waits for it on the main thread. An `async`
/// entry point ends the main thread with `pthread_exit` (libdispatch's `dispatch_main`), whose
/// unwinding searches the binary's unwind tables: 0.4 MiB of their pages stayed resident for the
/// agent's whole life (README "Footprint").
@main
enum Entry {
    static func main() {
        // Before any thread of the concurrency pool allocates (arenas made before stay).
        PGVigilCommand.limitMallocArenas()
        let finished = DispatchSemaphore(value: 0)
        // Detached: `main` is on the main actor, whose thread waits below.
        Task.detached {
            await PGVigilCommand.main()
            finished.signal()
        }
        finished.wait()
        PGVigilCommand.leave(0)
    }
}
