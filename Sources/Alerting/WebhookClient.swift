// Webhook POSTs through the agent's HTTP client: a JSON body, pgvigil's User-Agent, the receiver's headers.
import Support
import WebClient

/// Posts webhooks with `WebClient` (SwiftNIO, TLS verified, proxies from the environment).
package struct WebhookClient: WebhookTransport {
    /// The client every receiver shares: nothing in it blocks, so a receiver that hangs holds up no other.
    package let client: WebClient

    /// Creates a value from its parts.
    package init(client: WebClient) {
        self.client = client
    }

    package func post(_ request: WebhookRequest) async throws -> WebhookResponse {
        do {
            let response = try await client.post(
                WebRequest(
                    url: request.url,
                    headers: [("Content-Type", "application/json"), ("User-Agent", "pgvigil/\(PGVigilVersion.current)")] + request.headers,
                    body: request.body, timeout: request.timeout))
            return WebhookResponse(status: response.status, bodyExcerpt: response.bodyExcerpt)
        } catch {
            throw WebhookTransportError(message: error.message)
        }
    }
}
