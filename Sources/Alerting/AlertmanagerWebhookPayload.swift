// Alertmanager's webhook v4 payload, the format on-call tools accept.
import Config
import Support

/// The body Alertmanager posts to webhook receivers (version 4), carrying one alert per message:
/// each alert is its own group, so `groupLabels` are all of its labels.
struct AlertmanagerWebhookPayload: Encodable {
    /// One alert of the payload.
    package struct Alert: Encodable {
        package var status: String
        package var labels: [String: String]
        package var annotations: [String: String]
        package var startsAt: String
        package var endsAt: String
        var generatorURL: String
        var fingerprint: String
    }

    package var version = "4"
    var groupKey: String
    var truncatedAlerts = 0
    package var status: String
    package var receiver: String
    var groupLabels: [String: String]
    var commonLabels: [String: String]
    var commonAnnotations: [String: String]
    package var externalURL: String
    package var alerts: [Alert]

    package init(_ notification: AlertNotification, context: PayloadFormat.Context) {
        let labels = notification.labels
        groupKey = "{}:{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\(JSON.text($0.value))" }.joined(separator: ", ") + "}"
        status = notification.status.rawValue
        receiver = context.receiver
        groupLabels = labels
        commonLabels = labels
        commonAnnotations = notification.annotations
        externalURL = context.externalURL
        alerts = [
            Alert(
                status: notification.status.rawValue, labels: labels, annotations: notification.annotations,
                startsAt: PayloadFormat.timestamp(notification.startsAt),
                endsAt: notification.endsAt.map(PayloadFormat.timestamp) ?? PayloadFormat.zeroTime,
                generatorURL: context.externalURL + "/api/v1/alerts", fingerprint: notification.fingerprint)
        ]
    }
}
