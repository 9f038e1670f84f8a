// A series selector on its own, `name{label="v",...}`, as `/api/v1/series?match=` takes it.
import Store

/// A metric name and label matchers, all of which must hold: what a rule expression reads, and
/// what the history API takes alone.
package struct SeriesSelector: Sendable, CustomStringConvertible {
    /// The family name.
    package var metric: String
    /// The label matchers.
    package var matchers: [LabelMatcher]

    /// Parses `name` or `name{matchers}`; errors name the column, as rule expressions do.
    package init(parsing text: String) throws(RuleExpressionError) {
        self = try RuleExpressionParser.parseSelector(text)
    }

    /// Creates a selector from its parts.
    package init(metric: String, matchers: [LabelMatcher]) {
        self.metric = metric
        self.matchers = matchers
    }

    /// Whether a series with `labels` (of family `metric`) is selected.
    package func selects(labels: [Label]) -> Bool {
        matchers.allSatisfy { $0.matches(labels) }
    }

    /// Whether a series with `labels` is selected, spending at most `budget` regex steps; nil
    /// when the budget ran out before the answer.
    package func selects(labels: [Label], budget: inout Int) -> Bool? {
        for matcher in matchers {
            guard let matched = matcher.matches(labels, budget: &budget) else { return nil }
            if !matched { return false }
        }
        return true
    }

    package var description: String {
        matchers.isEmpty ? metric : metric + "{" + matchers.map(\.description).joined(separator: ",") + "}"
    }
}
