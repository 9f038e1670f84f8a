// A CONNECT proxy on loopback for the HTTP client's tests: opens tunnels to loopback ports only.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// An HTTP proxy on 127.0.0.1 that answers CONNECT to a 127.0.0.1 port with a tunnel (and
/// anything else, or any other host, with 403), recording each CONNECT head it got.
package final class TunnelProxy: Sendable {
    private let heads = NIOLockedValueBox<[String]>([])
    private let channel: any Channel

    /// The port it listens on.
    package var port: Int { channel.localAddress?.port ?? 0 }
    /// The head of each CONNECT request so far (request line and headers), oldest first.
    package var received: [String] { heads.withLockedValue { $0 } }

    /// Starts listening on a free loopback port.
    package init() async throws {
        let heads = heads
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ConnectHandler(heads: heads)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Stops listening.
    package func stop() async throws { try await channel.close() }

    /// Reads the CONNECT head, opens the tunnel, then relays bytes both ways.
    private final class ConnectHandler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let heads: NIOLockedValueBox<[String]>
        var head: [UInt8] = []
        var peer: (any Channel)?

        init(heads: NIOLockedValueBox<[String]>) { self.heads = heads }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            if let peer {
                peer.writeAndFlush(buffer, promise: nil)
                return
            }
            head += buffer.readableBytesView
            guard let end = head.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
            let text = String(decoding: head[..<end.lowerBound], as: UTF8.self)
            heads.withLockedValue { $0.append(text) }
            let requestLine = text.split(separator: "\r\n").first?.split(separator: " ") ?? []
            guard requestLine.count == 3, requestLine[0] == "CONNECT", requestLine[1].hasPrefix("127.0.0.1:"),
                let port = Int(requestLine[1].dropFirst("127.0.0.1:".count))
            else {
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")), promise: nil)
                context.close(promise: nil)
                return
            }
            let client = context.channel
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            ClientBootstrap(group: context.eventLoop)
                .channelInitializer { tunnel in
                    tunnel.eventLoop.makeCompletedFuture { try tunnel.pipeline.syncOperations.addHandler(Relay(to: client)) }
                }
                .connect(host: "127.0.0.1", port: port)
                .whenComplete { result in
                    switch result {
                    case .success(let tunnel):
                        loopBound.value.peer = tunnel
                        client.writeAndFlush(ByteBuffer(string: "HTTP/1.1 200 Connection established\r\n\r\n"), promise: nil)
                    case .failure:
                        client.writeAndFlush(ByteBuffer(string: "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"), promise: nil)
                        client.close(promise: nil)
                    }
                }
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer?.close(promise: nil)
        }
    }

    /// Writes what the tunnel's server sends to the client, and closes the client with it.
    private final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let client: any Channel

        init(to client: any Channel) { self.client = client }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            client.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            client.close(promise: nil)
        }
    }
}
