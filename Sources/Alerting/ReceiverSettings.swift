// A receiver as the delivery queue uses it: where, how, and how patiently.
import Config

/// A webhook receiver, resolved from the config (environment variables already expanded).
package struct ReceiverSettings: Sendable {
    /// The receiver's name (a label of pgvigil's notification metrics).
    package var name: String
    /// The URL notifications are POSTed to.
    package var url: String
    /// The body format.
    package var format: PayloadFormat
    /// Extra headers; their values are secrets and never logged.
    package var headers: [(name: String, value: String)]
    /// Upper bound of one attempt.
    package var timeout: Duration
    /// PagerDuty's integration key, for format `pagerduty`.
    package var routingKey: String?
    /// The first retry delay; each further one doubles, up to `maximumBackoff`, with ±20% jitter.
    var initialBackoff: Duration = .seconds(1)
    var maximumBackoff: Duration = .seconds(120)

    /// The URL with its secrets masked: safe to log and print (see `redact(url:format:)`).
    var redactedURL: String { Self.redact(url: url, format: format) }

    /// `url` with user info, query and (for Slack, whose path is the secret) path replaced by `***`.
    package static func redact(url: String, format: PayloadFormat) -> String {
        var text = url
        if let query = text.firstIndex(of: "?") { text = String(text[..<query]) + "?***" }
        if let schemeEnd = text.firstRange(of: "://") {
            var rest = String(text[schemeEnd.upperBound...])
            if let at = rest.firstIndex(of: "@"), !rest[..<at].contains("/") { rest = "***@" + rest[rest.index(after: at)...] }
            if format == .slack, let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] + "/***" }
            text = String(text[..<schemeEnd.upperBound]) + rest
        }
        return text
    }
}

extension ReceiverSettings: Equatable {
    /// Whether two settings send the same way (a reload changes a receiver whose settings differ).
    package static func == (lhs: ReceiverSettings, rhs: ReceiverSettings) -> Bool {
        lhs.name == rhs.name && lhs.url == rhs.url && lhs.format == rhs.format && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value) && lhs.timeout == rhs.timeout && lhs.routingKey == rhs.routingKey
            && lhs.initialBackoff == rhs.initialBackoff && lhs.maximumBackoff == rhs.maximumBackoff
    }
}
