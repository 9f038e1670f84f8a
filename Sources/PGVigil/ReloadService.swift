// Runs the queued reloads one at a time, and queues one at each SIGHUP, as a service of the agent.
import ServiceLifecycle
import UnixSignals

/// Consumes the reloader's queue until graceful shutdown, one reload (or discovered target list)
/// at a time; with
/// `trappingSignals`, each SIGHUP queues one. At shutdown the queue is finished and what is left
/// in it is answered 503.
struct ReloadService: Service {
    /// What each request runs.
    let reloader: ConfigReloader
    /// Whether SIGHUP is trapped (not in tests that run several agents in one process).
    let trappingSignals: Bool

    func run() async {
        let requests = reloader.requests
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                if trappingSignals {
                    group.addTask(priority: nil) {
                        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() { requests.submit(.signal) }
                    }
                }
                for await request in requests.stream {
                    if requests.isFinished {
                        request.answer(ReloadRequests.shuttingDown)
                    } else if case .discovered(let targets) = request {
                        await reloader.apply(discovered: targets)
                    } else {
                        request.answer(await reloader.reloadResponse())
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            requests.finish()
        }
    }
}
