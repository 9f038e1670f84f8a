// A label matcher of a rule's series selector: =, !=, =~, !~ as in PromQL.

/// Matches one label of a series. Regular expressions are fully anchored, as in PromQL; a label
/// the series does not have counts as the empty string.
struct LabelMatcher: Sendable, CustomStringConvertible {
    /// The comparison.
    enum Operator: String, Sendable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case doesNotMatchRegex = "!~"
    }

    /// The label name.
    var name: String
    /// The comparison.
    var op: Operator
    /// The value or the pattern, as written.
    var value: String
    /// The anchored pattern for the regex operators. It is compiled where it is used: `Regex` is
    /// not Sendable, and rules are evaluated every few seconds over a handful of series.
    private let anchoredPattern: String?

    /// Creates a matcher; throws if a regex operator's pattern does not compile.
    init(name: String, op: Operator, value: String) throws {
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual:
            anchoredPattern = nil
        case .matchesRegex, .doesNotMatchRegex:
            let pattern = "^(?:" + value + ")$"
            _ = try Regex(pattern)
            anchoredPattern = pattern
        }
    }

    /// Whether a series with `labels` satisfies this matcher.
    func matches(_ labels: [Label]) -> Bool {
        let actual = labels.first { $0.name == name }?.value ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .matchesRegex: return matchesPattern(actual)
        case .doesNotMatchRegex: return !matchesPattern(actual)
        }
    }

    private func matchesPattern(_ text: String) -> Bool {
        guard let anchoredPattern, let regex = try? Regex(anchoredPattern) else { return false }
        return text.wholeMatch(of: regex) != nil
    }

    var description: String { "\(name)\(op.rawValue)\(JSONText.string(value))" }
}
