// A "server" on loopback that accepts TCP connections and never answers, like a hung network path.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Listens on 127.0.0.1, accepts every connection and never reads from or writes to it.
final class BlackHoleServer: Sendable {
    private let channel: any Channel
    private let accepted = NIOLockedValueBox<[any Channel]>([])

    /// The port it listens on.
    var port: Int { channel.localAddress?.port ?? 0 }
    /// How many connections it accepted so far.
    var acceptedCount: Int { accepted.withLockedValue { $0.count } }

    /// Starts listening on a free loopback port.
    init() async throws {
        let accepted = self.accepted
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { child in
                accepted.withLockedValue { $0.append(child) }
                return child.eventLoop.makeSucceededVoidFuture()
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Stops listening and closes every accepted connection.
    func stop() async {
        try? await channel.close()
        for child in accepted.withLockedValue({ $0 }) { try? await child.close() }
    }
}
