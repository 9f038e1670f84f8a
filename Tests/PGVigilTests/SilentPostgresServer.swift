// A fake PostgreSQL server on loopback that lets clients log in, then never answers a query, and records cancel requests.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Speaks just enough of the PostgreSQL protocol for libpq to connect (no SSL, no password,
/// a backend key per session), then stays silent, like a stuck backend. Cancel requests are
/// recorded and their connections held open until `releaseCancels`, like a server too stuck to
/// answer them.
final class SilentPostgresServer: Sendable {
    /// A backend's identity, as BackendKeyData sends it and a CancelRequest repeats it.
    struct BackendKey: Sendable, Hashable {
        var processID: Int32
        var secret: Int32
    }

    private struct State {
        var sessions: [BackendKey] = []
        var cancels: [BackendKey] = []
        var heldCancels: [any Channel] = []
    }

    private let channel: any Channel
    private let state = NIOLockedValueBox(State())

    /// The port it listens on.
    var port: Int { channel.localAddress?.port ?? 0 }
    /// The keys of the sessions it started, in order.
    var sessions: [BackendKey] { state.withLockedValue { $0.sessions } }
    /// The cancel requests it received, in order.
    var cancels: [BackendKey] { state.withLockedValue { $0.cancels } }

    /// Starts listening on a free loopback port.
    init() async throws {
        let state = self.state
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Handler(state: state)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Closes the connections of the cancel requests received so far, as a server does once it
    /// handled them.
    func releaseCancels() async {
        for held in state.withLockedValue({ state in
            defer { state.heldCancels = [] }; return state.heldCancels
        }) {
            try? await held.close()
        }
    }

    /// Stops listening (open sessions end when their clients drop them).
    func stop() async {
        await releaseCancels()
        try? await channel.close()
    }

    /// Reads the untyped startup packets (length, code, body); after the startup packet, ignores
    /// every message.
    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        private static let sslRequest: Int32 = 80_877_103
        private static let gssEncryptionRequest: Int32 = 80_877_104
        private static let cancelRequest: Int32 = 80_877_102

        private let state: NIOLockedValueBox<State>
        private var pending = ByteBuffer()
        private var loggedIn = false

        init(state: NIOLockedValueBox<State>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            guard !loggedIn else { return }
            pending.writeBuffer(&incoming)
            while let length = pending.getInteger(at: pending.readerIndex, as: Int32.self), pending.readableBytes >= Int(length),
                var packet = pending.readSlice(length: Int(length))
            {
                packet.moveReaderIndex(forwardBy: 4)
                switch packet.readInteger(as: Int32.self) {
                case Self.sslRequest, Self.gssEncryptionRequest:
                    context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "N")), promise: nil)
                case Self.cancelRequest:
                    let key = BackendKey(processID: packet.readInteger() ?? 0, secret: packet.readInteger() ?? 0)
                    let channel = context.channel
                    state.withLockedValue { state in
                        state.cancels.append(key)
                        state.heldCancels.append(channel)
                    }
                    return
                default:
                    let key = state.withLockedValue { state in
                        let key = BackendKey(processID: Int32(10_000 + state.sessions.count), secret: Int32.random(in: 1...Int32.max))
                        state.sessions.append(key)
                        return key
                    }
                    var reply = ByteBuffer()
                    reply.writeInteger(UInt8(ascii: "R")); reply.writeInteger(Int32(8)); reply.writeInteger(Int32(0))
                    reply.writeInteger(UInt8(ascii: "K")); reply.writeInteger(Int32(12))
                    reply.writeInteger(key.processID); reply.writeInteger(key.secret)
                    reply.writeInteger(UInt8(ascii: "Z")); reply.writeInteger(Int32(5)); reply.writeInteger(UInt8(ascii: "I"))
                    context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
                    loggedIn = true
                    return
                }
            }
        }
    }
}
