// The web config's rate_limit: a token bucket over every request, as exporter-toolkit keeps one.
import Config
import NIOConcurrencyHelpers
import NIOCore
import Store
import Support

/// exporter-toolkit's `rate_limit` (Go's `rate.Limiter`): a bucket of `burst` tokens, full at
/// the start, refilled with one token every `interval`; a request takes one, and a request that
/// finds none is answered 429 with `Retry-After` (the whole seconds until the next token) and
/// counted by `pgvigil_http_requests_rate_limited_total`. It applies before credentials are
/// checked and to every path, as there.
package final class RequestRateLimit: Sendable {
    /// Seconds between two tokens.
    private let interval: Double
    /// Tokens at most.
    private let burst: Double
    private let state: NIOLockedValueBox<(tokens: Double, refilledAt: UInt64, limited: Int)>

    /// A full bucket for `limit`, as of `now` (nanoseconds of uptime).
    package init(_ limit: WebRateLimit, now: UInt64 = NIODeadline.now().uptimeNanoseconds) {
        interval = limit.interval.duration.seconds
        burst = Double(limit.burst)
        state = NIOLockedValueBox((Double(limit.burst), now, 0))
    }

    /// Takes a token for a request arriving at `now`; nil when admitted, else the seconds until
    /// the next token (for `Retry-After`).
    package func admit(at now: UInt64 = NIODeadline.now().uptimeNanoseconds) -> Int? {
        state.withLockedValue { state in
            let elapsed = Double(now &- min(now, state.refilledAt)) / 1e9
            state.tokens = min(burst, state.tokens + elapsed / interval)
            state.refilledAt = max(now, state.refilledAt)
            guard state.tokens < 1 else {
                state.tokens -= 1
                return nil
            }
            state.limited += 1
            return max(1, Int(((1 - state.tokens) * interval).rounded(.up)))
        }
    }

    /// `pgvigil_http_requests_rate_limited_total`.
    package var family: MetricFamily {
        MetricFamily(
            name: "pgvigil_http_requests_rate_limited_total", help: "HTTP requests answered 429 by the web config's rate_limit.",
            type: .counter, samples: [Sample(labels: [], value: Double(state.withLockedValue { $0.limited }))])
    }
}
