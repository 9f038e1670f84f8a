// How a notification becomes a request body in each receiver format.
import Config
import FoundationEssentials
import Support

extension PayloadFormat {
    /// Everything a payload needs besides the notification.
    package struct Context: Sendable {
        /// The receiver's name.
        package var receiver: String
        /// Where people reach this agent (`externalURL`, `generatorURL`, `client_url`).
        package var externalURL: String
        /// PagerDuty's integration key (format `pagerduty` only).
        package var routingKey: String?
        /// For `alertmanager-api`: how long Alertmanager should consider a firing alert active
        /// without hearing from pgvigil again.
        var firingValidity: Double = 300
    }

    /// The JSON body for `notification`.
    package func body(for notification: AlertNotification, context: Context) throws -> [UInt8] {
        let encoder = JSON.encoder()
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
    package static func timestamp(_ seconds: Double) -> String {
        Date(timeIntervalSince1970: seconds).formatted(.iso8601)
    }

    /// The `endsAt` Alertmanager uses for an alert that has not ended.
    static let zeroTime = "0001-01-01T00:00:00Z"
}
