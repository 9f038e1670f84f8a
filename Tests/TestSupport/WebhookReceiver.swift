// A real HTTP webhook receiver on loopback for alerting tests: records requests, answers a set status.
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A request the receiver got.
package struct ReceivedRequest: Sendable {
    package var uri: String
    package var headers: [(String, String)]
    package var body: String
    /// The status the receiver answered with.
    package var status: Int = 0
}

/// An HTTP/1.1 server on 127.0.0.1 (HTTPS with a certificate) that records every request and answers `status`.
package final class WebhookReceiver: Sendable {
    private let state = NIOLockedValueBox<(status: Int, received: [ReceivedRequest])>((200, []))
    private let channel: any Channel

    /// The port it listens on.
    package var port: Int { channel.localAddress?.port ?? 0 }
    /// Whether it speaks TLS.
    private let tls: Bool
    /// Its URL for `path` (https when it speaks TLS).
    package func url(_ path: String = "/hook") -> String { "\(tls ? "https" : "http")://127.0.0.1:\(port)\(path)" }

    /// Starts listening on a free loopback port; with `certificate` and `key` (PEM files) it speaks
    /// TLS only, and with `clientCA` too it requires a client certificate signed by that CA.
    package init(certificate: String? = nil, key: String? = nil, clientCA: String? = nil) async throws {
        let box = state
        let context = try certificate.map { certificate in
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: key ?? "", format: .pem)))
            if let clientCA {
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = .file(clientCA)
            }
            return try NIOSSLContext(configuration: configuration)
        }
        tls = context != nil
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(state: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    /// Answers every following request with `status`.
    package func respond(with status: Int) { state.withLockedValue { $0.status = status } }

    /// Every request so far (including those answered with an error).
    package var received: [ReceivedRequest] { state.withLockedValue { $0.received } }

    /// Stops listening.
    package func stop() async throws { try await channel.close() }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: NIOLockedValueBox<(status: Int, received: [ReceivedRequest])>
        var head: HTTPRequestHead?
        var body = ByteBuffer()

        init(state: NIOLockedValueBox<(status: Int, received: [ReceivedRequest])>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let requestHead):
                head = requestHead
                body.clear()
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end:
                guard let head else { return }
                var request = ReceivedRequest(uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: String(buffer: body))
                let status = state.withLockedValue { state -> Int in
                    request.status = state.status
                    state.received.append(request)
                    return state.status
                }
                let response = HTTPResponseHead(
                    version: head.version, status: HTTPResponseStatus(statusCode: status), headers: ["Content-Length": "2"])
                context.write(wrapOutboundOut(.head(response)), promise: nil)
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
        }
    }
}
