// Whether the last reload succeeded and when one last did: Prometheus's own two gauges.
import NIOConcurrencyHelpers
import Store

/// `pgvigil_config_last_reload_successful` and `pgvigil_config_last_reload_success_timestamp_seconds`,
/// named as Prometheus names its own: the config loaded at start counts as the first success.
package final class ReloadOutcome: Sendable {
    private let state: NIOLockedValueBox<(successful: Bool, lastSuccess: Double)>

    /// A success at `start` (the config the agent started with).
    package init(start: Double) {
        state = NIOLockedValueBox((true, start))
    }

    /// A reload applied at `time`.
    func succeeded(at time: Double) {
        state.withLockedValue { $0 = (true, time) }
    }

    /// A reload refused.
    func failed() {
        state.withLockedValue { $0.successful = false }
    }

    /// The two gauges.
    package var families: [MetricFamily] {
        let (successful, lastSuccess) = state.withLockedValue { $0 }
        return [
            MetricFamily(
                name: "pgvigil_config_last_reload_successful", help: "1 when the last configuration reload (SIGHUP, POST /-/reload) succeeded.",
                type: .gauge, samples: [Sample(labels: [], value: successful ? 1 : 0)]),
            MetricFamily(
                name: "pgvigil_config_last_reload_success_timestamp_seconds", help: "When the configuration was last loaded successfully.",
                type: .gauge, samples: [Sample(labels: [], value: lastSuccess)]),
        ]
    }
}
