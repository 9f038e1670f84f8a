// A "server" on loopback that accepts each connection and closes it at once, counting them.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Listens on 127.0.0.1 and hangs up on every connection as soon as it is accepted: a client's
/// connect fails at once (libpq: "server closed the connection unexpectedly"), and the count of
/// accepted connections tells how often it tried.
package final class HangUpServer: Sendable {
    private let channel: any Channel
    private let accepted = NIOLockedValueBox(0)

    /// The port it listens on.
    package var port: Int { channel.localAddress?.port ?? 0 }
    /// How many connections it accepted so far.
    package var acceptedCount: Int { accepted.withLockedValue { $0 } }

    /// Starts listening on a free loopback port.
    package init() async throws {
        let accepted = self.accepted
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                accepted.withLockedValue { $0 += 1 }
                return child.close()
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Stops listening.
    package func stop() async {
        try? await channel.close()
    }
}
