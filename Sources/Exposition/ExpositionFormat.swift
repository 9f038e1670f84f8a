// The two text formats /metrics serves, and how a scraper's Accept header chooses between them.
import Support

/// Prometheus text 0.0.4 (the default) or OpenMetrics 1.0.0. For pgvigil's families they differ
/// only in metadata: an OpenMetrics counter is named without its `_total` suffix on the HELP and
/// TYPE lines, HELP escapes quotes, and the body ends with `# EOF`. Sample lines are the same bytes.
package enum ExpositionFormat: Sendable, CaseIterable {
    /// `text/plain; version=0.0.4`.
    case prometheusText
    /// `application/openmetrics-text; version=1.0.0`.
    case openMetrics

    /// The Content-Type of a body in this format.
    package var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// The format the `Accept` header values prefer: the supported media range with the highest
    /// quality, the first on a tie; text 0.0.4 when nothing supported is asked for. Prometheus
    /// asks for OpenMetrics 1.0.0 first, so it gets OpenMetrics; curl (`*/*`) gets text.
    package static func negotiate(accept values: [String]) -> ExpositionFormat {
        var best: (format: ExpositionFormat, quality: Double)?
        for range in HeaderList(values) {
            let version = range.parameter("version")
            let format: ExpositionFormat?
            if range.hasValue("application/openmetrics-text") {
                format = version == nil || version == "1.0.0" ? .openMetrics : nil
            } else if range.hasValue("text/plain") {
                format = version == nil || version == "0.0.4" ? .prometheusText : nil
            } else if range.hasValue("text/*") || range.hasValue("*/*") {
                format = .prometheusText
            } else {
                format = nil
            }
            let quality = range.quality
            if let format, quality > 0, quality > (best?.quality ?? 0) { best = (format, quality) }
        }
        return best?.format ?? .prometheusText
    }
}
