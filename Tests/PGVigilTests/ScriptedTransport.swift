// The webhook transport of the delivery-queue tests: answers what the test says, records what it got.

import NIOConcurrencyHelpers

@testable import Alerting

/// A `WebhookTransport` that answers every request with the status the test set last, and
/// records each request: the status it got, its URL and body, and when it came (by `stamp`).
final class ScriptedTransport: WebhookTransport {
    /// One request as the transport saw it.
    struct Request {
        var status: Int
        var url: String
        var body: String
        var at: Double
    }

    private let state = NIOLockedValueBox<(status: Int, requests: [Request])>((200, []))
    private let stamp: @Sendable () -> Double

    /// A transport answering 200 until told otherwise; `stamp` dates the requests.
    init(stamp: @escaping @Sendable () -> Double = { 0 }) {
        self.stamp = stamp
    }

    /// Answers the next requests with `status`.
    func respond(with status: Int) { state.withLockedValue { $0.status = status } }

    /// Every request so far, oldest first.
    var requests: [Request] { state.withLockedValue { $0.requests } }

    func post(_ request: WebhookRequest) async throws -> WebhookResponse {
        let at = stamp()
        let status = state.withLockedValue { state -> Int in
            state.requests.append(Request(status: state.status, url: request.url, body: String(decoding: request.body, as: UTF8.self), at: at))
            return state.status
        }
        return WebhookResponse(status: status, bodyExcerpt: "")
    }
}
