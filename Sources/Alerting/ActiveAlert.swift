// A pending or firing alert as the HTTP server shows it: /api/v1/alerts and the status page.
import Config
import Exposition
import Support

/// One pending or firing alert instance with its rendered annotations.
package struct ActiveAlert: Sendable, Hashable {
    /// The rule's name (`alertname`).
    package var name: String
    /// All labels: `alertname`, `target`, the series' and the rule's.
    package var labels: [String: String]
    /// The rule's annotations, rendered with the series' labels and value.
    package var annotations: [String: String]
    /// Pending or firing.
    package var state: AlertEvaluator.Instance.State
    /// When the expression started to hold (seconds since 1970).
    package var activeAt: Double
    /// The latest value.
    package var value: Double
    /// Alertmanager's fingerprint of the labels.
    var fingerprint: String

    /// The target the alert is about.
    package var target: String { labels["target"] ?? "" }

    /// One alert as `/api/v1/alerts` shows it (Prometheus's field names; value as text).
    private struct Entry: Encodable {
        var labels: [String: String]
        var annotations: [String: String]
        var state: String
        var activeAt: String
        var value: String
        var fingerprint: String
    }

    /// The `data` of `/api/v1/alerts`.
    private struct Alerts: Encodable {
        var alerts: [Entry]
    }

    /// The `/api/v1/alerts` document, in the shape of Prometheus's.
    package static func document(_ alerts: [ActiveAlert]) -> String {
        JSON.text(
            APISuccess(
                Alerts(
                    alerts: alerts.map { alert in
                        Entry(
                            labels: alert.labels, annotations: alert.annotations, state: alert.state.rawValue,
                            activeAt: PayloadFormat.timestamp(alert.activeAt), value: PrometheusTextEncoder.formatValue(alert.value),
                            fingerprint: alert.fingerprint)
                    })))
    }
}

/// The holder of the pending and firing alerts: alerting replaces them after each evaluation, the
/// HTTP server reads them for /api/v1/alerts and the status page.
package typealias AlertBoard = SharedValue<[ActiveAlert]>
