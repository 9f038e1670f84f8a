// How one delivery attempt ended, and what the queue does next.

/// The classification of an attempt: delivered (2xx), retried (no answer, 408, 429, 5xx) or
/// failed for good (any other status: the receiver rejected the request itself); and `dropped`,
/// a notification the agent gave up without delivering it (its backlog was full).
package enum DeliveryOutcome: String, Sendable, CaseIterable {
    case delivered
    case retried
    case failed
    case dropped

    /// The outcome of an HTTP status.
    package static func of(status: Int) -> DeliveryOutcome {
        switch status {
        case 200..<300: .delivered
        case 408, 429, 500..<600: .retried
        default: .failed
        }
    }
}
