// What a reader of the store (alert rules) asks for, and what it gets back per series.

/// A selection of current series, optionally read through a window function over the ring
/// buffers: the store's side of a rule expression (Alerting's `RuleExpression` conforms).
package protocol SeriesQuery: Sendable {
    /// The family name selected.
    var metric: String { get }
    /// The window function and its range, when the value is read over history.
    var window: (function: WindowFunction, range: Duration)? { get }
    /// Whether a series named `name` with `labels` is selected.
    func selects(name: String, labels: [Label]) -> Bool
}

/// The value of one selected series at evaluation time.
package struct SeriesObservation: Sendable {
    /// The series' labels (`target` first).
    package var labels: [Label]
    /// The value of the query (after its window function).
    package var value: Double
    /// The value of the second (resolve) query for the same series, when one was given.
    package var resolveValue: Double?
    /// The collector whose run produced the series (nil for series of no collector, e.g. the agent's own).
    package var collector: String?

    /// Creates an observation from its parts.
    package init(labels: [Label], value: Double, resolveValue: Double? = nil, collector: String? = nil) {
        self.labels = labels
        self.value = value
        self.resolveValue = resolveValue
        self.collector = collector
    }
}

/// The target and collector whose run produced a series.
package struct SeriesSource: Sendable, Hashable, Codable {
    /// The target's name.
    package var target: String
    /// The collector's name.
    package var collector: String

    /// Creates a source from its parts.
    package init(target: String, collector: String) {
        self.target = target
        self.collector = collector
    }
}
