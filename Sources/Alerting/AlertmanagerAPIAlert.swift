// One alert as Alertmanager's API v2 (`POST /api/v2/alerts`) takes it.
import Config

/// An alert posted straight into an Alertmanager. A firing alert carries an `endsAt` in the near
/// future, as Prometheus does, so Alertmanager resolves it by itself if pgvigil goes away.
struct AlertmanagerAPIAlert: Encodable {
    package var labels: [String: String]
    package var annotations: [String: String]
    package var startsAt: String
    package var endsAt: String
    var generatorURL: String

    package init(_ notification: AlertNotification, context: PayloadFormat.Context) {
        labels = notification.labels
        annotations = notification.annotations
        startsAt = PayloadFormat.timestamp(notification.startsAt)
        endsAt = PayloadFormat.timestamp(notification.endsAt ?? notification.emittedAt + context.firingValidity)
        generatorURL = context.externalURL + "/api/v1/alerts"
    }
}
