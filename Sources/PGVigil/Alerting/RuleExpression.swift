// A parsed alert rule expression: a series selector, an optional window function, a threshold.

/// `SELECTOR OP NUMBER`, where SELECTOR is `name{matchers}` optionally wrapped in a window
/// function over a range: the documented subset of PromQL that pgvigil evaluates itself.
struct RuleExpression: Sendable, CustomStringConvertible {
    /// A comparison of the selected value with the threshold.
    enum Comparison: String, Sendable, CaseIterable {
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
        case equal = "=="
        case notEqual = "!="

        /// Whether `value OP threshold` holds.
        func holds(_ value: Double, _ threshold: Double) -> Bool {
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

    /// The family name the selector picks.
    var metric: String
    /// The label matchers, all of which must hold.
    var matchers: [LabelMatcher]
    /// The window function and its range, when the selector is wrapped in one.
    var window: (function: WindowFunction, range: Duration)?
    /// The comparison.
    var comparison: Comparison
    /// The number compared with.
    var threshold: Double

    /// Whether a series named `name` with `labels` is selected.
    func selects(name: String, labels: [Label]) -> Bool {
        name == metric && matchers.allSatisfy { $0.matches(labels) }
    }

    var description: String {
        var selector = metric
        if !matchers.isEmpty { selector += "{" + matchers.map(\.description).joined(separator: ",") + "}" }
        if let window { selector = "\(window.function.rawValue)(\(selector)[\(ConfigDuration(window.range))])" }
        return "\(selector) \(comparison.rawValue) \(PrometheusTextEncoder.formatValue(threshold))"
    }
}
