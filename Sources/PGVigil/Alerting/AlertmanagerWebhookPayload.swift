// Alertmanager's webhook v4 payload, the format on-call tools accept.

/// The body Alertmanager posts to webhook receivers (version 4), carrying one alert per message:
/// each alert is its own group, so `groupLabels` are all of its labels.
struct AlertmanagerWebhookPayload: Encodable {
    /// One alert of the payload.
    struct Alert: Encodable {
        var status: String
        var labels: [String: String]
        var annotations: [String: String]
        var startsAt: String
        var endsAt: String
        var generatorURL: String
        var fingerprint: String
    }

    var version = "4"
    var groupKey: String
    var truncatedAlerts = 0
    var status: String
    var receiver: String
    var groupLabels: [String: String]
    var commonLabels: [String: String]
    var commonAnnotations: [String: String]
    var externalURL: String
    var alerts: [Alert]

    init(_ notification: AlertNotification, context: PayloadFormat.Context) {
        let labels = notification.labels
        groupKey = "{}:{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\(JSONText.string($0.value))" }.joined(separator: ", ") + "}"
        status = notification.status.rawValue
        receiver = context.receiver
        groupLabels = labels
        commonLabels = labels
        commonAnnotations = notification.annotations
        externalURL = context.externalURL
        alerts = [Alert(
            status: notification.status.rawValue, labels: labels, annotations: notification.annotations,
            startsAt: PayloadFormat.timestamp(notification.startsAt),
            endsAt: notification.endsAt.map(PayloadFormat.timestamp) ?? PayloadFormat.zeroTime,
            generatorURL: context.externalURL + "/api/v1/alerts", fingerprint: notification.fingerprint)]
    }
}
