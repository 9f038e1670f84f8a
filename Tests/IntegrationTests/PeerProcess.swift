// Starts a peer server (Prometheus, Alertmanager) on a free loopback port and waits until it is ready.
import Foundation
import TestSupport

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A peer's process and the loopback port it serves on.
struct PeerProcess {
    var process: Process
    var port: Int

    /// The peer could not be started on any of the ports tried.
    struct StartError: Error {
        var executable: String
    }

    /// Runs `executable` with `arguments(port)` on random loopback ports until one answers 200 on
    /// `/-/ready` (tries five ports: another process may hold one), or on the `fixed` port only.
    static func start(_ executable: String, port fixed: Int? = nil, arguments: (Int) -> [String]) async throws -> PeerProcess {
        for _ in 0..<(fixed == nil ? 5 : 1) {
            let port = fixed ?? Int.random(in: 41000...48999)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments(port)
            process.standardError = FileHandle.nullDevice
            try process.run()
            let ready = try await waitUntil(timeout: .seconds(20)) {
                guard process.isRunning, let url = URL(string: "http://127.0.0.1:\(port)/-/ready") else { return !process.isRunning }
                return ((try? await URLSession.shared.data(from: url))?.1 as? HTTPURLResponse)?.statusCode == 200
            }
            if ready && process.isRunning { return PeerProcess(process: process, port: port) }
            process.terminate()
        }
        throw StartError(executable: executable)
    }

    /// Stops the peer and waits for it to exit.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
