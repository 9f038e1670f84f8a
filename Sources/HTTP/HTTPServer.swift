// The SwiftNIO HTTP/1.1 server: binds the listen address, bounds connections, runs until shutdown.
import Config
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Serves the router over HTTP/1.1 (inside TLS when a `TLSContextSource` is given) within `HTTPServerConfig`'s limits: a bounded connection
/// table whose longest-waiting connection gives way to a new one (`ConnectionTable`), deadlines
/// for request heads, idle keep-alive connections and unread responses, head bytes counted as
/// they arrive (`HTTPConnectionGuard`), header fields capped by NIO's parser (431; it also caps
/// the bytes it counts, as a second line), bodies capped (413). Binds with
/// SO_REUSEADDR so a restart binds at once.
package final class HTTPServer: Service, Sendable {
    private let address: ListenAddress
    private let router: Router
    private let limits: HTTPServerConfig
    private let group: any EventLoopGroup
    private let logger: Logger
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)
    private let connections: ConnectionRegistry
    /// Where basic-auth passwords are checked: one thread, apart from the event loops and from
    /// the webhook deliveries, so a flood of wrong passwords delays only other password checks.
    private let passwordChecks = NIOThreadPool(numberOfThreads: 1)
    /// The requests being answered, bounded by `limits.maxRequestsInFlight`.
    private let inFlight: RequestsInFlight

    /// Creates a server that counts the connections it ends in `closed` and the requests over
    /// the in-flight limit in `inFlight` (nil: its own), and takes the headers, the rate limit and
    /// TLS of every connection from `router.access` as it is then; nothing is bound until `bind()`
    /// or `run()`.
    package init(
        address: ListenAddress, router: Router, limits: HTTPServerConfig = HTTPServerConfig(),
        closed: HTTPClosedConnections = HTTPClosedConnections(), inFlight: RequestsInFlight? = nil,
        group: any EventLoopGroup, logger: Logger
    ) {
        self.inFlight = inFlight ?? RequestsInFlight(limit: limits.maxRequestsInFlight)
        self.address = address
        self.router = router
        self.limits = limits
        self.group = group
        self.logger = logger
        // A client that has not read its answer in a request's time is as slow as one still sending it.
        connections = ConnectionRegistry(capacity: limits.maxConnections, stalledAfter: limits.requestHeadTimeout.timeAmount, closed: closed)
    }

    /// Binds the listen address (all interfaces for `:PORT`) and returns the bound port.
    @discardableResult
    package func bind() async throws -> Int {
        if let bound = channel.withLockedValue({ $0 }) { return bound.localAddress?.port ?? address.port }
        passwordChecks.start()
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 1)
            .childChannelInitializer { [router, limits, connections, passwordChecks, inFlight, logger] channel in
                guard let id = connections.admit(channel) else { return channel.close() }
                channel.closeFuture.whenComplete { _ in connections.remove(id) }
                var decoderLimits = NIOHTTPDecoderLimitConfiguration()
                decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
                decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
                decoderLimits.maxHeaderFieldCount = limits.maxHeaderFields
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tls = router.access.current.tls {
                        try pipeline.addHandler(tls.makeHandler(logger: logger))
                        try pipeline.addHandler(TLSHandshakeWatch(closed: connections.closed, logger: logger))
                    }
                    try pipeline.addHandler(HTTPConnectionGuard(id: id, registry: connections, limits: limits))
                    try pipeline.configureHTTPServerPipeline(
                        withErrorHandling: false, withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
                    try pipeline.addHandler(
                        HTTPRequestHandler(
                            router: router, maxBodyBytes: limits.maxBodyBytes, closed: connections.closed, passwordChecks: passwordChecks,
                            inFlight: inFlight))
                }
            }
        let bound: any Channel
        do {
            if let host = address.host {
                bound = try await bootstrap.bind(host: host, port: address.port).get()
            } else {
                // All interfaces: IPv6 any (dual-stack), else IPv4 any where IPv6 is unavailable.
                do {
                    bound = try await bootstrap.bind(host: "::", port: address.port).get()
                } catch {
                    bound = try await bootstrap.bind(host: "0.0.0.0", port: address.port).get()
                }
            }
        } catch {
            throw HTTPServerError(message: "cannot listen on \(address): \(error)")
        }
        channel.withLockedValue { $0 = bound }
        let port = bound.localAddress?.port ?? address.port
        logger.info(
            "listening", metadata: ["address": "\(address)", "port": "\(port)", "scheme": router.access.current.tls == nil ? "http" : "https"])
        return port
    }

    /// Binds if needed and serves until graceful shutdown or cancellation.
    package func run() async throws {
        try await bind()
        guard let bound = channel.withLockedValue({ $0 }) else { return }
        defer { passwordChecks.shutdownGracefully { _ in } }
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await bound.closeFuture.get()
            } onCancel: {
                bound.close(promise: nil)
            }
        } onGracefulShutdown: {
            bound.close(promise: nil)
        }
    }
}

/// The server could not start, e.g. the port is in use.
struct HTTPServerError: Error, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}
