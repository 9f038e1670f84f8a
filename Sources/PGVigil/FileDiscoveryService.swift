// Looks at the file_sd files every second and hands a changed target list to the reloads' queue.
import AsyncAlgorithms
import ServiceLifecycle

/// Checks the `file_sd:` files every second (their stamps; a file is read only when it changed or
/// its entry's refresh interval passed) and queues a changed target list for `ReloadService`, so
/// a discovered change and a reload never interleave. A target added is sampled within a second
/// and a cycle; one removed stops and its series vanish.
struct FileDiscoveryService: Service {
    let discovery: FileDiscovery
    let requests: ReloadRequests
    let wallClock: @Sendable () -> Double

    func run() async {
        for await _ in AsyncTimerSequence(interval: .seconds(1), clock: ContinuousClock()).cancelOnGracefulShutdown() {
            if let discovered = discovery.refresh(now: wallClock()) { requests.submit(.discovered(discovered)) }
        }
    }
}
