// The webhook payload formats a receiver can ask for (how each is encoded is Alerting's).

/// The body format of a receiver's webhook.
package enum PayloadFormat: String, Sendable, Codable, CaseIterable {
    /// Alertmanager webhook v4, what on-call tools accept (the default).
    case alertmanager
    /// A POST of alerts into an Alertmanager's `/api/v2/alerts`.
    case alertmanagerAPI = "alertmanager-api"
    /// A Slack incoming webhook message with a coloured attachment.
    case slack
    /// A PagerDuty Events API v2 event.
    case pagerduty

    /// Whether each request carries the alert's whole state (Alertmanager's API: labels,
    /// `startsAt`, `endsAt`), so the newest notification of an alert makes a waiting older one
    /// pointless. The other formats are events: a receiver must see the firing before its resolve.
    package var sendsWholeState: Bool { self == .alertmanagerAPI }
}
