// A slowloris attack on loopback for HTTP tests: many connections that trickle a request head forever.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Holds `size` connections to 127.0.0.1:`port` on its own event loop. Each sends a request line,
/// then one header line every `pace`, and never ends its head; a connection the server closes is
/// opened again after `pace`, so the pressure lasts until `stop()`.
final class SlowlorisFlood: Sendable {
    private struct State {
        var running = true
        var open: [ObjectIdentifier: any Channel] = [:]
        var opened = 0
        var closedByServer = 0
    }

    private let port: Int
    private let pace: TimeAmount
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let state = NIOLockedValueBox(State())

    /// Connections open now (as the client sees them).
    var openCount: Int { state.withLockedValue { $0.open.count } }
    /// Connections the server closed while the flood ran.
    var closedByServer: Int { state.withLockedValue { $0.closedByServer } }
    /// Connections opened in all.
    var opened: Int { state.withLockedValue { $0.opened } }

    /// Opens `size` connections, one after another.
    init(port: Int, size: Int, pace: TimeAmount) async throws {
        self.port = port
        self.pace = pace
        for _ in 0..<size { try await open(on: group.next()).get() }
    }

    /// Closes every connection and the event loop; the flood stops.
    func stop() async throws {
        let channels = state.withLockedValue { state in
            state.running = false
            return Array(state.open.values)
        }
        for channel in channels { try? await channel.close() }
        try await group.shutdownGracefully()
    }

    /// Connects on `eventLoop` and starts trickling; reconnects (on the loop, so never after
    /// `stop()` shut it down) when the server closes the connection.
    private func open(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        ClientBootstrap(group: eventLoop).connect(host: "127.0.0.1", port: port).map { [self] channel in
            let key = ObjectIdentifier(channel)
            let held = state.withLockedValue { state in
                guard state.running else { return false }
                state.open[key] = channel
                state.opened += 1
                return true
            }
            guard held else { return channel.close(promise: nil) }
            channel.writeAndFlush(ByteBuffer(string: "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n"), promise: nil)
            let trickle = eventLoop.scheduleRepeatedTask(initialDelay: pace, delay: pace) { _ in
                channel.writeAndFlush(ByteBuffer(string: "X-Slow: still-coming\r\n"), promise: nil)
            }
            channel.closeFuture.whenComplete { [self] _ in
                trickle.cancel()
                let reopen = state.withLockedValue { state in
                    state.open[key] = nil
                    if state.running { state.closedByServer += 1 }
                    return state.running
                }
                guard reopen else { return }
                eventLoop.scheduleTask(in: pace) { _ = self.open(on: eventLoop) }
            }
        }
    }
}

/// Raises this process's soft limit of open files to at least `needed` (up to the hard limit).
func raiseOpenFileLimit(to needed: Int) {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(needed) else { return }
    limit.rlim_cur = min(rlim_t(needed), limit.rlim_max)
    setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
