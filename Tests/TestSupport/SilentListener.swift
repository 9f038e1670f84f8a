// A "server" on loopback that accepts TCP connections and never speaks: it either holds them
// open (a hung network path) or hangs up at once (a connect that fails immediately).
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Listens on 127.0.0.1, accepts every connection, counts it, and never reads or writes.
package final class SilentListener: Sendable {
    /// What becomes of an accepted connection.
    package enum Behaviour: Sendable {
        /// Kept open until `stop`: a client waits until its own deadline.
        case hold
        /// Closed at once: a client's connect fails immediately (libpq: "server closed the connection unexpectedly").
        case hangUp
    }

    private let channel: any Channel
    private let held = NIOLockedValueBox<[any Channel]>([])
    private let accepted = NIOLockedValueBox(0)

    /// The port it listens on.
    package var port: Int { channel.localAddress?.port ?? 0 }
    /// How many connections it accepted so far.
    package var acceptedCount: Int { accepted.withLockedValue { $0 } }

    /// Starts listening on a free loopback port.
    package init(_ behaviour: Behaviour) async throws {
        let (held, accepted) = (self.held, self.accepted)
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { child in
                accepted.withLockedValue { $0 += 1 }
                switch behaviour {
                case .hold:
                    held.withLockedValue { $0.append(child) }
                    return child.eventLoop.makeSucceededVoidFuture()
                case .hangUp:
                    return child.close()
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Stops listening and closes every connection it holds.
    package func stop() async {
        try? await channel.close()
        for child in held.withLockedValue({ $0 }) { try? await child.close() }
    }
}
