// The identity of one stored series: its family name and its full label set.

/// Identifies a series in the store: family name plus labels (including `target`), in order.
struct SeriesKey: Sendable, Hashable {
    /// The family name.
    var name: String
    /// All labels of the series, `target` first.
    var labels: [Label]
}
