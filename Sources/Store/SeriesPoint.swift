// One point of a stored series: when it was sampled and its value.

/// A sampled value at a wall-clock instant, as a series' history returns it.
package struct SeriesPoint: Sendable, Hashable {
    /// Seconds since 1970-01-01 UTC.
    package var timestamp: Double
    /// The sampled value.
    package var value: Double

    /// Creates a value from its parts.
    package init(timestamp: Double, value: Double) {
        self.timestamp = timestamp
        self.value = value
    }
}
