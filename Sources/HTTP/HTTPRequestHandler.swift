// The per-connection NIO handler: reads a request, refuses bad or oversized ones, writes the router's answer.
import NIOCore
import NIOHTTP1
import NIOPosix

/// Handles HTTP/1.1 requests on one connection. Bodies are not expected (every route is GET):
/// a body over `maxBodyBytes` gets 413; a head over the decoder's limits gets 431, any other
/// parse error 400. A refused request closes the output and the `HTTPConnectionGuard` before
/// this handler drops the rest of the input. It tells the guard when a request is complete and
/// when its answer is written, so the guard runs the right deadline. A request whose basic-auth
/// password must be checked waits for `passwordChecks` (the pipeline handler holds any requests
/// pipelined behind it). Every response carries the web config's security headers.
final class HTTPRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What happens to the connection once a response is written.
    private enum Afterwards {
        /// Keep-alive: wait for the next request.
        case keepOpen
        /// The client asked to close (or HTTP/1.0 without keep-alive).
        case close
        /// The request was refused: close the output, drop what else the client sends.
        case refuseFurtherInput
    }

    private let router: Router
    private let maxBodyBytes: Int
    private let closed: HTTPClosedConnections
    private let passwordChecks: NIOThreadPool
    private let inFlight: RequestsInFlight
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    private var refused = false

    /// Creates a handler answering with `router`, counting the requests it refuses in `closed`,
    /// checking passwords on `passwordChecks`, adding the router's access headers to every
    /// response, answering 429 when its rate limit has no token and 503 when `inFlight` has no room.
    package init(
        router: Router, maxBodyBytes: Int, closed: HTTPClosedConnections, passwordChecks: NIOThreadPool,
        inFlight: RequestsInFlight
    ) {
        self.inFlight = inFlight
        self.router = router
        self.maxBodyBytes = maxBodyBytes
        self.closed = closed
        self.passwordChecks = passwordChecks
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            bodyBytes = 0
        case .body(let chunk):
            bodyBytes += chunk.readableBytes
            if bodyBytes > maxBodyBytes, let requestHead = head {
                head = nil
                closed.record(.bodyTooLarge)
                refuse(
                    .text(.payloadTooLarge, "request body over \(maxBodyBytes) bytes"), version: requestHead.version, method: requestHead.method,
                    context: context)
            }
        case .end:
            guard let requestHead = head else { return }
            head = nil
            context.triggerUserOutboundEvent(HTTPConnectionGuard.Event.requestReceived, promise: nil)
            let afterwards: Afterwards = requestHead.isKeepAlive ? .keepOpen : .close
            if let wait = router.access.current.rateLimit?.admit() {
                let limited = HTTPResponse.text(.tooManyRequests, "over the web config's rate_limit; retry", headers: ["Retry-After": "\(wait)"])
                write(limited, version: requestHead.version, method: requestHead.method, afterwards: afterwards, context: context)
                return
            }
            guard inFlight.enter() else {
                let busy = HTTPResponse.text(
                    .serviceUnavailable, "over \(inFlight.limit) requests in flight (http.max_requests_in_flight); retry",
                    headers: ["Retry-After": "1"])
                write(busy, version: requestHead.version, method: requestHead.method, afterwards: afterwards, context: context)
                return
            }
            switch router.verdict(for: requestHead) {
            case .permitted: answer(requestHead, permitted: true, context: context)
            case .refused: answer(requestHead, permitted: false, context: context)
            case .check(let check):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                passwordChecks.runIfActive(eventLoop: context.eventLoop) { check.run() }.whenComplete { result in
                    let (handler, context) = bound.value
                    // A client that left during the check has no one to answer (and its handlers are gone).
                    guard context.channel.isActive else { return handler.inFlight.leave() }
                    handler.answer(requestHead, permitted: (try? result.get()) == true, context: context)
                }
            }
        }
    }

    /// Writes the router's response to `head`, or 401 when its credentials were refused; the
    /// request leaves `inFlight` once the response is written (or cannot be).
    private func answer(_ head: HTTPRequestHead, permitted: Bool, context: ChannelHandlerContext) {
        if permitted, let reload = router.reloadRequest(head) {
            // Queued for the reloader (files read, targets stopped): answered when it is done.
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            reload(context.eventLoop).whenSuccess { response in
                let (handler, context) = bound.value
                guard context.channel.isActive else { return handler.inFlight.leave() }
                handler.write(
                    response, version: head.version, method: head.method, afterwards: head.isKeepAlive ? .keepOpen : .close,
                    leaving: handler.inFlight, context: context)
            }
            return
        }
        write(
            permitted ? router.respond(to: head) : router.unauthorized, version: head.version, method: head.method,
            afterwards: head.isKeepAlive ? .keepOpen : .close, leaving: inFlight, context: context)
    }

    /// A head over the decoder's limits gets 431, any other parse error 400; once a request is
    /// refused, the decoder's complaints about the input that follows are ignored.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !refused else { return }
        guard let parseError = error as? HTTPParserError else {
            context.close(promise: nil)
            return
        }
        let tooLarge = parseError == .headerOverflow
        closed.record(tooLarge ? .headerTooLarge : .malformed)
        let response: HTTPResponse =
            tooLarge
            ? .text(.requestHeaderFieldsTooLarge, "request header fields over the server's limits")
            : .text(.badRequest, "malformed HTTP request")
        refuse(response, version: .http1_1, method: .GET, context: context)
    }

    private func refuse(_ response: HTTPResponse, version: HTTPVersion, method: HTTPMethod, context: ChannelHandlerContext) {
        refused = true
        write(response, version: version, method: method, afterwards: .refuseFurtherInput, context: context)
    }

    private func write(
        _ response: HTTPResponse, version: HTTPVersion, method: HTTPMethod, afterwards: Afterwards, leaving: RequestsInFlight? = nil,
        context: ChannelHandlerContext
    ) {
        var headers = response.headers
        headers.add(contentsOf: router.access.current.headers)
        headers.replaceOrAdd(name: "Content-Length", value: String(response.body.readableBytes))
        if afterwards != .keepOpen {
            headers.replaceOrAdd(name: "Connection", value: "close")
        } else if version == .http1_0 {
            // An HTTP/1.0 client that asked to keep the connection waits for its close unless told.
            headers.replaceOrAdd(name: "Connection", value: "keep-alive")
        }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: response.status, headers: headers))), promise: nil)
        if method != .HEAD, response.body.readableBytes > 0 {
            context.write(wrapOutboundOut(.body(.byteBuffer(response.body))), promise: nil)
        }
        let done = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: done)
        let channel = context.channel
        done.futureResult.whenComplete { _ in
            leaving?.leave()
            switch afterwards {
            case .keepOpen: channel.triggerUserOutboundEvent(HTTPConnectionGuard.Event.responseSent, promise: nil)
            case .close: channel.close(promise: nil)
            case .refuseFurtherInput: channel.close(mode: .output, promise: nil)
            }
        }
    }
}
