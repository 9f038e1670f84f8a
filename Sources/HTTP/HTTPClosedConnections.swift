// Counts the connections the HTTP server closed or refused, by reason, so a flood shows on /metrics.
import NIOConcurrencyHelpers
import Store

/// How many connections the server ended on its own, by reason: the figures an SRE looks at when
/// scrapes slow down (`pgvigil_http_connections_closed_total{reason}`). Shared by every event loop.
package final class HTTPClosedConnections: Sendable {
    /// Why the server ended a connection.
    package enum Reason: String, CaseIterable, Sendable {
        /// Every slot was taken; this waiting connection gave way to a new one.
        case evicted
        /// Every slot was answering; the new connection was closed at once.
        case refused
        /// The request (head and any body) did not arrive within `http.request_head_timeout`.
        case requestTimeout = "request_timeout"
        /// A keep-alive connection stayed quiet, or left its answer unread, for `http.idle_timeout`.
        case idleTimeout = "idle_timeout"
        /// 431: the head's bytes or fields were over the limits.
        case headerTooLarge = "header_too_large"
        /// 413: the body was over `http.max_body_bytes`.
        case bodyTooLarge = "body_too_large"
        /// 400: the request did not parse.
        case malformed
        /// The TLS handshake failed (`TLSHandshakeWatch`).
        case tlsHandshake = "tls_handshake"
    }

    private let counts = NIOLockedValueBox([Reason: Int]())

    /// Counts nothing yet.
    package init() {}

    /// Counts one connection ended for `reason`.
    package func record(_ reason: Reason) {
        counts.withLockedValue { $0[reason, default: 0] += 1 }
    }

    /// The count for `reason`.
    package func count(_ reason: Reason) -> Int {
        counts.withLockedValue { $0[reason] ?? 0 }
    }

    /// `pgvigil_http_connections_closed_total`, every reason present (zero included).
    package var family: MetricFamily {
        let snapshot = counts.withLockedValue { $0 }
        return MetricFamily(
            name: "pgvigil_http_connections_closed_total", help: "HTTP connections the server closed or refused, by reason.", type: .counter,
            samples: Reason.allCases.map { Sample(labels: [Label("reason", $0.rawValue)], value: Double(snapshot[$0] ?? 0)) })
    }
}
