// Bounds the requests the server has received and not yet answered, and counts the ones it turned away.
import NIOConcurrencyHelpers
import Store

/// The requests received and not yet answered (a password being checked, a response still being
/// written to a slow reader), shared by every event loop; beyond `limit` a request is answered 503
/// with `Retry-After` at once (`pgvigil_http_requests_over_limit_total` counts those).
package final class RequestsInFlight: Sendable {
    /// Requests in flight at most.
    package let limit: Int
    private let state = NIOLockedValueBox((inFlight: 0, overLimit: 0))

    /// Admits up to `limit` requests at a time.
    package init(limit: Int) {
        self.limit = limit
    }

    /// Admits one more request, or counts it as over the limit and returns false.
    package func enter() -> Bool {
        state.withLockedValue { state in
            guard state.inFlight < limit else {
                state.overLimit += 1
                return false
            }
            state.inFlight += 1
            return true
        }
    }

    /// An admitted request was answered (or its connection ended).
    package func leave() {
        state.withLockedValue { $0.inFlight -= 1 }
    }

    /// Requests admitted and not yet answered.
    package var count: Int { state.withLockedValue { $0.inFlight } }

    /// `pgvigil_http_requests_over_limit_total`.
    package var family: MetricFamily {
        MetricFamily(
            name: "pgvigil_http_requests_over_limit_total",
            help: "HTTP requests answered 503 because http.max_requests_in_flight were being answered.", type: .counter,
            samples: [Sample(labels: [], value: Double(state.withLockedValue { $0.overLimit }))])
    }
}
