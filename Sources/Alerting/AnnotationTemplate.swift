// Annotation templates: {{ $labels.NAME }} and {{ $value }}, as in Prometheus rule annotations.
import Exposition

/// A parsed annotation template. Only `{{ $labels.NAME }}` and `{{ $value }}` are supported;
/// anything else between `{{` and `}}` is an error at config load, not at alert time.
package struct AnnotationTemplate: Sendable, Hashable {
    /// A piece of the template.
    package enum Part: Sendable, Hashable {
        case text(String)
        case label(String)
        case value
    }

    /// The pieces in order.
    package let parts: [Part]

    /// Parses `text`; the error names what is unsupported.
    package init(_ text: String) throws(TemplateError) {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.firstRange(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                throw TemplateError(message: "\"{{\" without a closing \"}}\"")
            }
            let action = rest[open.upperBound..<close.lowerBound].filter { $0 != " " }
            if action == "$value" {
                parts.append(.value)
            } else if action.hasPrefix("$labels."), action.count > 8 {
                parts.append(.label(String(action.dropFirst(8))))
            } else {
                throw TemplateError(
                    message: "unsupported template action \"{{\(rest[open.upperBound..<close.lowerBound])}}\"; use {{ $labels.NAME }} or {{ $value }}"
                )
            }
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// The text for an alert with `labels` and `value` (a missing label renders empty).
    package func render(labels: [String: String], value: Double) -> String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .label(let name): labels[name] ?? ""
            case .value: PrometheusTextEncoder.formatValue((value * 1000).rounded() / 1000)
            }
        }.joined()
    }
}

/// An annotation template that does not parse.
package struct TemplateError: Error, Sendable {
    package var message: String
}
