// A label matcher of a rule's series selector: =, !=, =~, !~ as in PromQL.
import Store
import Support

/// Matches one label of a series. Regular expressions are fully anchored, as in PromQL; a label
/// the series does not have counts as the empty string.
package struct LabelMatcher: Sendable, CustomStringConvertible {
    /// The comparison.
    package enum Operator: String, Sendable, CaseIterable {
        case equal = "="
        case notEqual = "!="
        case matchesRegex = "=~"
        case doesNotMatchRegex = "!~"
    }

    /// The label name.
    package var name: String
    /// The comparison.
    var op: Operator
    /// The value or the pattern, as written.
    package var value: String
    /// The compiled pattern of the regex operators (whole-text match, as PromQL anchors them).
    private let regex: LinearRegex?

    /// Creates a matcher; throws naming the column and the reason if a regex operator's pattern
    /// does not compile or is over `LinearRegex.Limits`.
    package init(name: String, op: Operator, value: String) throws(RegexSyntaxError) {
        self.name = name
        self.op = op
        self.value = value
        switch op {
        case .equal, .notEqual: regex = nil
        case .matchesRegex, .doesNotMatchRegex: regex = try LinearRegex(value)
        }
    }

    /// Whether a series with `labels` satisfies this matcher.
    package func matches(_ labels: [Label]) -> Bool {
        var unlimited = Int.max
        return matches(labels, budget: &unlimited) ?? false
    }

    /// Whether a series with `labels` satisfies this matcher, spending at most `budget` regex
    /// steps; nil when the budget ran out.
    package func matches(_ labels: [Label], budget: inout Int) -> Bool? {
        let actual = labels.first { $0.name == name }?.value ?? ""
        switch op {
        case .equal: return actual == value
        case .notEqual: return actual != value
        case .matchesRegex: return regex?.wholeMatch(actual, budget: &budget)
        case .doesNotMatchRegex: return regex?.wholeMatch(actual, budget: &budget).map { !$0 }
        }
    }

    package var description: String { "\(name)\(op.rawValue)\(JSON.text(value))" }
}
