// A PagerDuty Events API v2 event: trigger or resolve, deduplicated by the alert's fingerprint.
import Config
import Exposition

/// The body posted to PagerDuty's `/v2/enqueue`.
struct PagerDutyEvent: Encodable {
    /// What the incident shows.
    struct Payload: Encodable {
        package var summary: String
        package var source: String
        var severity: String
        package var timestamp: String
        var component: String
        package var `class`: String
        var customDetails: [String: String]

        /// The field names as written in YAML/JSON.
        package enum CodingKeys: String, CodingKey {
            case summary, source, severity, timestamp, component, `class`
            case customDetails = "custom_details"
        }
    }

    /// PagerDuty's limit on `summary`, in characters.
    static let summaryLimit = 1024

    package var routingKey: String
    var eventAction: String
    var dedupKey: String
    package var payload: Payload
    package var client = "pgvigil"
    var clientURL: String

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey {
        case payload, client
        case routingKey = "routing_key"
        case eventAction = "event_action"
        case dedupKey = "dedup_key"
        case clientURL = "client_url"
    }

    package init(_ notification: AlertNotification, context: PayloadFormat.Context) {
        routingKey = context.routingKey ?? ""
        eventAction = notification.status == .firing ? "trigger" : "resolve"
        dedupKey = notification.fingerprint
        let target = notification.labels["target"] ?? "pgvigil"
        let summary =
            "\(notification.alertName) on \(target): "
            + (notification.annotations["summary"] ?? "value \(PrometheusTextEncoder.formatValue(notification.value))")
        var details = notification.labels
        for (name, text) in notification.annotations { details["annotation_" + name] = text }
        details["value"] = PrometheusTextEncoder.formatValue(notification.value)
        payload = Payload(
            summary: String(summary.prefix(Self.summaryLimit)), source: target, severity: Self.severity(notification.labels["severity"]),
            timestamp: PayloadFormat.timestamp(notification.emittedAt), component: notification.labels["datname"] ?? "postgresql",
            class: notification.alertName, customDetails: details)
        clientURL = context.externalURL
    }

    /// PagerDuty's severity for a `severity` label: critical, error, warning or info; a missing or
    /// unknown label maps to error, so nothing is under-paged silently.
    static func severity(_ label: String?) -> String {
        switch label?.lowercased() {
        case "critical", "page", "fatal", "high": "critical"
        case "warning", "warn", "medium": "warning"
        case "info", "informational", "low", "none": "info"
        default: "error"
        }
    }
}
