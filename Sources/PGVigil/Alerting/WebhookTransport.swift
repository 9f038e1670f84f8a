// The HTTP POST a delivery queue needs, as a protocol so queues are tested without a network.

/// One webhook request.
struct WebhookRequest: Sendable {
    /// The receiver's URL.
    var url: String
    /// The JSON body.
    var body: [UInt8]
    /// Extra headers (secrets among them: never log these).
    var headers: [(name: String, value: String)]
    /// Upper bound of the whole exchange.
    var timeout: Duration
}

/// The receiver's answer: status and the start of its body, for error logs.
struct WebhookResponse: Sendable {
    var status: Int
    var bodyExcerpt: String
}

/// A request that got no HTTP answer: connection refused, DNS, TLS, timeout.
struct WebhookTransportError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Sends webhook requests.
protocol WebhookTransport: Sendable {
    /// POSTs `request`; throws `WebhookTransportError` when no HTTP response arrived.
    func post(_ request: WebhookRequest) async throws -> WebhookResponse
}
