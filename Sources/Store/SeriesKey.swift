// The identity of one stored series: its family name and its full label set.

/// Identifies a series in the store: family name plus labels (including `target`), in order.
package struct SeriesKey: Sendable, Hashable {
    /// The family name.
    package var name: String
    /// All labels of the series, `target` first.
    package var labels: [Label]

    /// Creates a key from its parts.
    package init(name: String, labels: [Label]) {
        self.name = name
        self.labels = labels
    }
}
