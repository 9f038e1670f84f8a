// A Slack incoming-webhook message: a text line and an attachment coloured by status.
import Config

/// The message posted to a Slack incoming webhook.
struct SlackPayload: Encodable {
    /// The coloured block under the text.
    struct Attachment: Encodable {
        /// One label shown as a short field.
        struct Field: Encodable {
            package var title: String
            package var value: String
            package var short = true
        }

        package var color: String
        package var title: String
        package var text: String
        package var fields: [Field]
        var footer = "pgvigil"
        var ts: Int
    }

    package var text: String
    var attachments: [Attachment]

    package init(_ notification: AlertNotification, context: PayloadFormat.Context) {
        let firing = notification.status == .firing
        let summary = notification.annotations["summary"] ?? notification.annotations["description"] ?? notification.alertName
        text = "\(firing ? "[FIRING]" : "[RESOLVED]") \(notification.alertName) on \(notification.labels["target"] ?? "pgvigil")"
        attachments = [
            Attachment(
                color: firing ? "danger" : "good",
                title: "\(notification.alertName): \(summary)",
                text: notification.annotations["description"] ?? summary,
                fields: notification.labels.filter { $0.key != "alertname" }.sorted { $0.key < $1.key }.map {
                    Attachment.Field(title: $0.key, value: $0.value)
                },
                ts: Int(notification.endsAt ?? notification.startsAt))
        ]
    }
}
