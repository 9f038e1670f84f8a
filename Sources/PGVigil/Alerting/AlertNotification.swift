// One message about one alert, as the evaluator emits it and the spool stores it.

/// A notification of an alert's state: firing (first time or repeated) or resolved.
struct AlertNotification: Sendable, Codable, Hashable {
    /// The alert's state in this notification.
    enum Status: String, Sendable, Codable {
        case firing
        case resolved
    }

    /// Firing or resolved.
    var status: Status
    /// All labels: `alertname`, the series' labels (`target`, …), the rule's labels.
    var labels: [String: String]
    /// Rendered annotations.
    var annotations: [String: String]
    /// When the alert started firing (seconds since 1970).
    var startsAt: Double
    /// When it resolved; nil while firing.
    var endsAt: Double?
    /// The value that triggered (or resolved) it.
    var value: Double
    /// `Fingerprint.of(labels)`.
    var fingerprint: String
    /// When the evaluator emitted it.
    var emittedAt: Double

    /// The alert's name.
    var alertName: String { labels["alertname"] ?? "" }
}
