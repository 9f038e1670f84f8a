// The HTTP POST a delivery queue needs, as a protocol: `WebhookClient` in the agent, `ScriptedTransport` in the delivery-queue tests.

/// One webhook request.
package struct WebhookRequest: Sendable {
    /// The receiver's URL.
    package var url: String
    /// The JSON body.
    package var body: [UInt8]
    /// Extra headers (secrets among them: never log these).
    package var headers: [(name: String, value: String)]
    /// Upper bound of the whole exchange.
    package var timeout: Duration
}

/// The receiver's answer: status and the start of its body, for error logs.
package struct WebhookResponse: Sendable {
    package var status: Int
    var bodyExcerpt: String
}

/// A request that got no HTTP answer: connection refused, DNS, TLS, timeout.
struct WebhookTransportError: Error, Sendable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}

/// Sends webhook requests.
package protocol WebhookTransport: Sendable {
    /// POSTs `request`; throws `WebhookTransportError` when no HTTP response arrived.
    func post(_ request: WebhookRequest) async throws -> WebhookResponse
}
