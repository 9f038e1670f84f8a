// Reloads the configuration on SIGHUP, as a service of the agent.
import ServiceLifecycle
import UnixSignals

/// Waits for SIGHUP until graceful shutdown and reloads the configuration at each one.
struct ReloadSignalService: Service {
    /// What a SIGHUP runs.
    let reloader: ConfigReloader

    func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            await reloader.reload()
        }
    }
}
