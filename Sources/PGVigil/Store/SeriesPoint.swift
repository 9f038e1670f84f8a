// One point of a stored series: when it was sampled and its value.

/// A sampled value at a wall-clock instant, as kept in a series' ring buffer.
struct SeriesPoint: Sendable, Hashable {
    /// Seconds since 1970-01-01 UTC.
    var timestamp: Double
    /// The sampled value.
    var value: Double
}
