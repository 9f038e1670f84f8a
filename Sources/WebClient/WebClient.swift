// HTTP/1.1 POSTs over SwiftNIO: TLS verified by swift-nio-ssl, proxies from the environment, one deadline.
import FoundationEssentials
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Support

/// One request to POST.
package struct WebRequest: Sendable {
    /// An http:// or https:// URL; user info in it is sent as basic credentials.
    package var url: String
    /// Headers besides Host, Content-Length and Connection, which the client writes (secrets
    /// among them: never logged).
    package var headers: [(name: String, value: String)]
    /// The body.
    package var body: [UInt8]
    /// Upper bound of the whole exchange: resolving, connecting, the proxy's tunnel, TLS, the
    /// request and the response.
    package var timeout: Duration

    /// Creates a value from its parts.
    package init(url: String, headers: [(name: String, value: String)], body: [UInt8], timeout: Duration) {
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// The answer: the status and the start of the body (for error logs).
package struct WebResponse: Sendable {
    package var status: Int
    package var bodyExcerpt: String
}

/// Posts requests, each on a connection of its own (`Connection: close`): a request never waits
/// for another, and nothing is kept open between them. TLS peer and host name verification stay
/// on (the system's trust store by default); redirects are not followed (a POST must reach the
/// URL it was given); proxies come from `ProxySettings`. Nothing blocks a thread: resolving,
/// connecting and the exchange run on the event loop group, bounded by the request's timeout.
package final class WebClient: Sendable {
    /// How many bytes of a response body are kept.
    static let excerptLimit = 512

    private let group: any EventLoopGroup
    private let proxies: ProxySettings
    private let tls: WebClientTLS
    /// The TLS client contexts, made at the first https request (reading the trust store costs
    /// memory) and again when a file of `tls` changed: the direct one, and the tunnelled one,
    /// whose host name check is `TunnelledIdentity`'s.
    private let tlsContexts = NIOLockedValueBox<TLSContexts>(TLSContexts())

    /// The contexts made so far and what `tls`'s files looked like when they were.
    private struct TLSContexts {
        var direct: NIOSSLContext?
        var tunnelled: NIOSSLContext?
        var stamps: [FileStamp?] = []
    }

    /// A client on `group` through `proxies`, with `tls`'s trusted CAs and client certificate.
    package init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, proxies: ProxySettings, tls: WebClientTLS = WebClientTLS()) {
        self.group = group
        self.proxies = proxies
        self.tls = tls
    }

    /// POSTs `request`; throws when no complete HTTP response arrived in time, or when the task
    /// is cancelled (the connection is closed at once).
    package func post(_ request: WebRequest) async throws(WebClientError) -> WebResponse {
        let url = try WebURL(request.url)
        let proxy = proxies.proxy(for: url)
        let tunnelled = proxy != nil && url.isHTTPS
        let tls = try url.isHTTPS ? context(tunnelled: tunnelled) : nil
        guard !Task.isCancelled else { throw WebClientError("cancelled") }
        let timeout = TimeAmount.nanoseconds(max(1_000_000, Int64(min(request.timeout.seconds, 86_400) * 1e9)))
        let deadline = NIODeadline.now() + timeout
        let endpoint = proxy ?? url
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group).connectTimeout(timeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw WebClientError("cannot connect to \(proxy == nil ? "" : "the proxy ")\(endpoint.authority): \(Self.reason(error))")
        }
        let timedOut = NIOLockedValueBox(false)
        let timer = channel.eventLoop.scheduleTask(deadline: deadline) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        do {
            return try await withTaskCancellationHandler {
                try await exchange(request, url: url, proxy: proxy, tls: tls, on: channel)
            } onCancel: {
                channel.close(promise: nil)
            }
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw WebClientError("no answer within \(request.timeout)") }
            if Task.isCancelled { throw WebClientError("cancelled") }
            throw WebClientError(Self.reason(error))
        }
    }

    /// Opens the proxy's tunnel if there is one, adds TLS and HTTP to `channel`'s pipeline, sends
    /// `request` and returns the response.
    private func exchange(
        _ request: WebRequest, url: WebURL, proxy: WebURL?, tls: NIOSSLContext?, on channel: any Channel
    ) async throws -> WebResponse {
        let tunnelled = proxy != nil && url.isHTTPS
        if let proxy, tunnelled { try await Self.openTunnel(on: channel, to: url, through: proxy) }
        let response = channel.eventLoop.makePromise(of: WebResponse.self)
        do {
            try await channel.eventLoop.submit {
                let pipeline = channel.pipeline.syncOperations
                if let tls {
                    let name = Self.isAddress(url.host) ? nil : url.host
                    try pipeline.addHandler(
                        tunnelled
                            ? NIOSSLClientHandler._makeSSLClientHandler(
                                context: tls, serverHostname: name,
                                additionalPeerCertificateVerificationCallback: TunnelledIdentity(host: url.host).callback)
                            : NIOSSLClientHandler(context: tls, serverHostname: name))
                }
                try pipeline.addHTTPClientHandlers()
                try pipeline.addHandler(ResponseCollector(promise: response))
            }.get()
        } catch {
            response.fail(error)
            throw error
        }
        let head = HTTPRequestHead(
            version: .http1_1, method: .POST, uri: proxy != nil && !url.isHTTPS ? url.absoluteTarget : url.target,
            headers: headers(of: request, url: url, proxy: url.isHTTPS ? nil : proxy))
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: request.body))), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        return try await response.futureResult.get()
    }

    /// The request's headers: Host, the caller's, Content-Length, Connection: close, and the
    /// URL's and (for plain HTTP) the proxy's credentials.
    private func headers(of request: WebRequest, url: WebURL, proxy: WebURL?) -> HTTPHeaders {
        var headers = HTTPHeaders([("Host", url.authority)])
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        if let credentials = url.credentials, !headers.contains(name: "Authorization") {
            headers.add(name: "Authorization", value: Self.basic(credentials))
        }
        if let credentials = proxy?.credentials { headers.add(name: "Proxy-Authorization", value: Self.basic(credentials)) }
        headers.replaceOrAdd(name: "Content-Length", value: String(request.body.count))
        headers.replaceOrAdd(name: "Connection", value: "close")
        return headers
    }

    /// The TLS client context (the tunnelled one checks host names through `TunnelledIdentity`),
    /// made at the first request and again once the files changed; files that changed and do not
    /// load fail the request (and the next, until they do).
    private func context(tunnelled: Bool) throws(WebClientError) -> NIOSSLContext {
        let stamps = tls.stamps()
        do {
            return try tlsContexts.withLockedValue { contexts in
                if contexts.stamps != stamps { contexts = TLSContexts(stamps: stamps) }
                if let made = tunnelled ? contexts.tunnelled : contexts.direct { return made }
                let made = try tls.makeContext(tunnelled: tunnelled)
                if tunnelled { contexts.tunnelled = made } else { contexts.direct = made }
                return made
            }
        } catch {
            throw WebClientError("cannot set up TLS: \(error)")
        }
    }

    /// Asks the proxy on `channel` for a tunnel to `url`'s host and port, and returns once it is open.
    private static func openTunnel(on channel: any Channel, to url: WebURL, through proxy: WebURL) async throws {
        let opened = channel.eventLoop.makePromise(of: Void.self)
        do {
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(ProxyTunnelReply(promise: opened))
            }.get()
        } catch {
            opened.fail(error)
            throw error
        }
        let target = (url.host.contains(":") ? "[\(url.host)]" : url.host) + ":\(url.port)"
        var request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n"
        if let credentials = proxy.credentials { request += "Proxy-Authorization: \(basic(credentials))\r\n" }
        channel.writeAndFlush(ByteBuffer(string: request + "\r\n"), promise: nil)
        try await opened.futureResult.get()
    }

    /// `Basic` and the base64 of `user:password`.
    private static func basic(_ credentials: (user: String, password: String)) -> String {
        "Basic " + Data("\(credentials.user):\(credentials.password)".utf8).base64EncodedString()
    }

    /// Whether `host` is an IPv4 or IPv6 address (which TLS's server name must not be).
    private static func isAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    /// What went wrong, in words (NIO's and BoringSSL's errors describe themselves).
    private static func reason(_ error: any Error) -> String {
        if let error = error as? WebClientError { return error.message }
        if let error = error as? NIOSSLError { return "TLS: \(error)" }
        if let error = error as? NIOConnectionError {
            if let dns = error.dnsAError ?? error.dnsAAAAError, error.connectionErrors.isEmpty { return "cannot resolve the host: \(dns)" }
            return error.connectionErrors.map { "\($0.error)" }.joined(separator: "; ")
        }
        if case ChannelError.connectTimeout = error { return "no connection within the timeout" }
        return String(describing: error)
    }
}

/// Collects a response's status and the start of its body, and completes `promise` with them at
/// its end, or with an error if the connection fails or closes first.
private final class ResponseCollector: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let promise: EventLoopPromise<WebResponse>
    private var status: Int?
    private var excerpt: [UInt8] = []
    private var completed = false

    init(promise: EventLoopPromise<WebResponse>) {
        self.promise = promise
    }

    /// A channel closed before the handler came (the deadline passed meanwhile) sends no
    /// channelInactive: the answer is failed here.
    func handlerAdded(context: ChannelHandlerContext) {
        if !context.channel.isActive { complete(.failure(WebClientError("the connection closed before a complete response"))) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            if head.status.code >= 200 { status = Int(head.status.code) }  // 1xx are interim answers
        case .body(let buffer):
            let room = WebClient.excerptLimit - excerpt.count
            if room > 0 { excerpt += buffer.getBytes(at: buffer.readerIndex, length: min(room, buffer.readableBytes)) ?? [] }
        case .end:
            guard let status else { return }
            complete(.success(WebResponse(status: status, bodyExcerpt: String(decoding: excerpt, as: UTF8.self))))
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(WebClientError("the connection closed before a complete response")))
        context.fireChannelInactive()
    }

    private func complete(_ result: Result<WebResponse, any Error>) {
        guard !completed else { return }
        completed = true
        promise.completeWith(result)
    }
}

/// Reads a proxy's answer to CONNECT: on a 2xx it leaves the pipeline (the tunnel is open, TLS
/// follows) and completes `promise`; any other answer, or a close, fails it.
private final class ProxyTunnelReply: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    /// The most bytes a proxy's answer head may take.
    static let limit = 16 * 1024

    private let promise: EventLoopPromise<Void>
    private var received: [UInt8] = []
    private var completed = false

    init(promise: EventLoopPromise<Void>) {
        self.promise = promise
    }

    /// A channel closed before the handler came sends no channelInactive: the tunnel fails here.
    func handlerAdded(context: ChannelHandlerContext) {
        if !context.channel.isActive {
            completed = true
            promise.fail(WebClientError("the proxy closed the connection before opening the tunnel"))
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !completed else { return }
        let buffer = unwrapInboundIn(data)
        received += buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
        guard let end = received.firstRange(of: Array("\r\n\r\n".utf8)) else {
            if received.count > Self.limit { fail(context, "the proxy's answer to CONNECT is longer than \(Self.limit) bytes") }
            return
        }
        let statusLine = String(decoding: received[..<end.lowerBound].prefix { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            return fail(context, "the proxy's answer to CONNECT is not HTTP")
        }
        guard (200..<300).contains(status) else { return fail(context, "the proxy refused the tunnel: HTTP \(status)") }
        guard end.upperBound == received.count else { return fail(context, "the proxy sent data before the tunnel opened") }
        completed = true
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        promise.succeed()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !completed else { return context.fireErrorCaught(error) }
        completed = true
        promise.fail(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !completed {
            completed = true
            promise.fail(WebClientError("the proxy closed the connection before opening the tunnel"))
        }
        context.fireChannelInactive()
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        completed = true
        promise.fail(WebClientError(message))
        context.close(promise: nil)
    }
}
