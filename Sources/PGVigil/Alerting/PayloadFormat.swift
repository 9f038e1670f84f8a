// The webhook payload formats a receiver can ask for, and how a notification becomes a request body.
import FoundationEssentials

/// The body format of a receiver's webhook.
enum PayloadFormat: String, Sendable, Codable, CaseIterable {
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
    var sendsWholeState: Bool { self == .alertmanagerAPI }

    /// Everything a payload needs besides the notification.
    struct Context: Sendable {
        /// The receiver's name.
        var receiver: String
        /// Where people reach this agent (`externalURL`, `generatorURL`, `client_url`).
        var externalURL: String
        /// PagerDuty's integration key (format `pagerduty` only).
        var routingKey: String?
        /// For `alertmanager-api`: how long Alertmanager should consider a firing alert active
        /// without hearing from pgvigil again.
        var firingValidity: Double = 300
    }

    /// The JSON body for `notification`.
    func body(for notification: AlertNotification, context: Context) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        switch self {
        case .alertmanager:
            return Array(try encoder.encode(AlertmanagerWebhookPayload(notification, context: context)))
        case .alertmanagerAPI:
            return Array(try encoder.encode([AlertmanagerAPIAlert(notification, context: context)]))
        case .slack:
            return Array(try encoder.encode(SlackPayload(notification, context: context)))
        case .pagerduty:
            return Array(try encoder.encode(PagerDutyEvent(notification, context: context)))
        }
    }

    /// RFC 3339 in UTC, as Alertmanager, Slack and PagerDuty read it.
    static func timestamp(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    /// The `endsAt` Alertmanager uses for an alert that has not ended.
    static let zeroTime = "0001-01-01T00:00:00Z"
}
