// One message about one alert, as the evaluator emits it and the spool stores it.

/// A notification of an alert's state: firing (first time or repeated) or resolved.
package struct AlertNotification: Sendable, Codable, Hashable {
    /// The alert's state in this notification.
    package enum Status: String, Sendable, Codable {
        case firing
        case resolved
    }

    /// Firing or resolved.
    package var status: Status
    /// All labels: `alertname`, the series' labels (`target`, …), the rule's labels.
    package var labels: [String: String]
    /// Rendered annotations.
    package var annotations: [String: String]
    /// When the alert started firing (seconds since 1970).
    package var startsAt: Double
    /// When it resolved; nil while firing.
    package var endsAt: Double?
    /// The value that triggered (or resolved) it.
    package var value: Double
    /// `Fingerprint.of(labels)`.
    var fingerprint: String
    /// When the evaluator emitted it.
    var emittedAt: Double

    /// The alert's name.
    var alertName: String { labels["alertname"] ?? "" }
}
