// Counts the connections whose TLS handshake failed, so a refused client shows on /metrics.
import Logging
import NIOCore
import NIOTLS

/// Sits behind the TLS handler: an error before the handshake completed, on a connection still
/// open (no client certificate, one that does not verify or carries no allowed name, an old
/// protocol, plain HTTP sent to the TLS port), is counted as `tls_handshake` and logged at debug
/// level; the connection is closed by the handlers after it, as every error closes it.
final class TLSHandshakeWatch: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let closed: HTTPClosedConnections
    private let logger: Logger
    private var handshakeCompleted = false

    /// Counts failed handshakes in `closed`.
    init(closed: HTTPClosedConnections, logger: Logger) {
        self.closed = closed
        self.logger = logger
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted? = event as? TLSUserEvent { handshakeCompleted = true }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A client gone before its handshake ended (a TCP health check, a deadline) is not counted.
        if !handshakeCompleted, context.channel.isActive {
            handshakeCompleted = true  // one count per connection
            closed.record(.tlsHandshake)
            logger.debug("TLS handshake failed", metadata: ["peer": "\(context.remoteAddress.map { "\($0)" } ?? "")", "error": "\(error)"])
        }
        context.fireErrorCaught(error)
    }
}
