// A parsed alert rule expression: a series selector, an optional window function, a threshold.
import Config
import Exposition
import Store

/// `SELECTOR OP NUMBER`, where SELECTOR is `name{matchers}` optionally wrapped in a window
/// function over a range: the documented subset of PromQL that pgvigil evaluates itself.
package struct RuleExpression: SeriesQuery, CustomStringConvertible {
    /// A comparison of the selected value with the threshold.
    enum Comparison: String, Sendable, CaseIterable {
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
        case equal = "=="
        case notEqual = "!="

        /// Whether `value OP threshold` holds.
        package func holds(_ value: Double, _ threshold: Double) -> Bool {
            switch self {
            case .greater: value > threshold
            case .greaterOrEqual: value >= threshold
            case .less: value < threshold
            case .lessOrEqual: value <= threshold
            case .equal: value == threshold
            case .notEqual: value != threshold
            }
        }
    }

    /// The series the expression reads.
    package var selector: SeriesSelector
    /// The window function and its range, when the selector is wrapped in one.
    package var window: (function: WindowFunction, range: Duration)?
    /// The comparison.
    var comparison: Comparison
    /// The number compared with.
    var threshold: Double

    /// The family name the selector picks.
    package var metric: String { selector.metric }

    /// Whether a series named `name` with `labels` is selected.
    package func selects(name: String, labels: [Label]) -> Bool {
        name == selector.metric && selector.selects(labels: labels)
    }

    package var description: String {
        var text = selector.description
        if let window { text = "\(window.function.rawValue)(\(text)[\(ConfigDuration(window.range))])" }
        return "\(text) \(comparison.rawValue) \(PrometheusTextEncoder.formatValue(threshold))"
    }
}
