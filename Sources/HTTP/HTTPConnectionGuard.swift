// The first handler of every HTTP connection: its deadlines, its place in the connection table, its lingering close.
import Config
import NIOCore
import NIOHTTP1

/// Watches one connection's raw bytes and the request handler's events. It refuses a request head
/// over `maxHeaderBytes` as its bytes arrive (`RequestHeadMeter`), by passing NIO's
/// `headerOverflow` error to the request handler (431), and closes the connection when it keeps
/// the server waiting:
/// - a request (head and any body) must arrive within `requestHeadTimeout`, counted from accept
///   for the first request and from its first byte for the next ones on a keep-alive connection;
/// - a quiet keep-alive connection is closed after `idleTimeout`, and so is a response the client
///   does not read within `idleTimeout`;
/// - after the output is closed (a refused request), input is read and dropped for at most
///   `lingerTime`, so the client reads the refusal instead of a reset, then the connection closes.
/// It tells the `ConnectionRegistry` whether the connection waits (may be evicted) or answers.
final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What the request handler reports, as user outbound events.
    enum Event {
        /// A complete request arrived and is being answered.
        case requestReceived
        /// The response was written; the connection stays open for the next request.
        case responseSent
    }

    /// Where the connection is.
    private enum Phase {
        /// Waiting for a complete request; `headStarted` once its deadline is the head's (not idle).
        case waitingForRequest(headStarted: Bool)
        /// Answering `responses` requests (more than one when the client pipelines).
        case answering(responses: Int)
        /// Output closed; input is dropped until the peer closes or `lingerTime` passes.
        case lingering
    }

    /// How long a connection whose output is closed keeps reading before it closes.
    static let lingerTime = TimeAmount.seconds(2)

    private let id: Int
    private let registry: ConnectionRegistry
    private let requestHeadTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    /// The first request's deadline starts at accept, as if its head had started.
    private var phase = Phase.waitingForRequest(headStarted: true)
    private var deadline: Scheduled<Void>?
    private var meter: RequestHeadMeter

    /// Guards connection `id` of `registry` with the timeouts of `limits`.
    package init(id: Int, registry: ConnectionRegistry, limits: HTTPServerConfig) {
        self.id = id
        self.registry = registry
        requestHeadTimeout = limits.requestHeadTimeout.timeAmount
        idleTimeout = limits.idleTimeout.timeAmount
        meter = RequestHeadMeter(maxBytes: limits.maxHeaderBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(requestHeadTimeout, for: .requestTimeout, context: context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch phase {
        case .lingering:
            return
        case .waitingForRequest(headStarted: false):
            phase = .waitingForRequest(headStarted: true)
            arm(requestHeadTimeout, for: .requestTimeout, context: context)
        case .waitingForRequest(headStarted: true), .answering:
            break
        }
        forward(unwrapInboundIn(data), context: context)
    }

    /// Passes `buffer` on, a head at a time: the decoder completes a bodiless request (and the
    /// meter starts the next head) before the bytes after its head are counted. After a body, the
    /// rest of the read that ends it reaches the decoder uncounted (NIO's parser still caps the
    /// bytes it counts); the meter counts from the next read on.
    private func forward(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        var buffer = buffer
        while buffer.readableBytes > 0 {
            // Scanned through a raw pointer: a byte loop over the buffer's view costs several times more.
            switch buffer.withUnsafeReadableBytes({ meter.scan($0) }) {
            case .headContinues, .betweenHeads:
                context.fireChannelRead(wrapInboundOut(buffer))
                return
            case .headEnds(let length):
                // The meter measures within the readable bytes; were it not to, the rest goes on whole.
                guard let head = buffer.readSlice(length: length) else {
                    context.fireChannelRead(wrapInboundOut(buffer))
                    return
                }
                context.fireChannelRead(wrapInboundOut(head))
            case .tooLarge:
                phase = .lingering
                arm(Self.lingerTime, for: nil, context: context)
                context.fireErrorCaught(HTTPParserError.headerOverflow)
                return
            }
            if case .lingering = phase { return }
        }
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? Event else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        if case .lingering = phase {
            promise?.succeed(())
            return
        }
        if case .requestReceived = event { meter.startNextHead() }
        switch (event, phase) {
        case (.requestReceived, .answering(let responses)):
            phase = .answering(responses: responses + 1)
        case (.requestReceived, _):
            phase = .answering(responses: 1)
            registry.markAnswering(id)
        case (.responseSent, .answering(let responses)) where responses > 1:
            phase = .answering(responses: responses - 1)
        case (.responseSent, _):
            phase = .waitingForRequest(headStarted: false)
            registry.markWaiting(id)
        }
        arm(idleTimeout, for: .idleTimeout, context: context)
        promise?.succeed(())
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .output {
            phase = .lingering
            arm(Self.lingerTime, for: nil, context: context)
        }
        context.close(mode: mode, promise: promise)
    }

    /// Closes the connection after `timeout` unless armed again before, counting it for `reason`
    /// (nil: the end of lingering after a refusal, already counted).
    private func arm(_ timeout: TimeAmount, for reason: HTTPClosedConnections.Reason?, context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        let closed = registry.closed
        deadline = context.eventLoop.scheduleTask(in: timeout) {
            if let reason { closed.record(reason) }
            channel.close(promise: nil)
        }
    }
}
