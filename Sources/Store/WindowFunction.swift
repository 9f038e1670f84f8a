// The functions computed over a window of a series' history: rate, increase, delta, avg/min/max.

/// A function of the points of one series inside a time window, named as in PromQL.
package enum WindowFunction: String, Sendable, CaseIterable {
    /// Per-second increase of a counter, counter resets accounted for.
    case rate
    /// Total increase of a counter, counter resets accounted for.
    case increase
    /// Last minus first value (for gauges).
    case delta
    /// Mean of the values.
    case avgOverTime = "avg_over_time"
    /// Smallest value.
    case minOverTime = "min_over_time"
    /// Largest value.
    case maxOverTime = "max_over_time"

    /// Applies the function to points ordered by time; nil when undefined (too few points).
    ///
    /// Unlike PromQL, rate/increase/delta are not extrapolated to the window's edges: they use the
    /// first and last points actually held, which is exact for the agent's own regular samples.
    package func apply(to points: [SeriesPoint]) -> Double? {
        switch self {
        case .rate:
            guard let first = points.first, let last = points.last, last.timestamp > first.timestamp,
                let increase = Self.counterIncrease(points)
            else { return nil }
            return increase / (last.timestamp - first.timestamp)
        case .increase:
            return Self.counterIncrease(points)
        case .delta:
            guard points.count >= 2, let first = points.first, let last = points.last else { return nil }
            return last.value - first.value
        case .avgOverTime:
            guard !points.isEmpty else { return nil }
            return points.reduce(0) { $0 + $1.value } / Double(points.count)
        case .minOverTime:
            return points.map(\.value).min()
        case .maxOverTime:
            return points.map(\.value).max()
        }
    }

    /// The increase of a counter over the points; a drop in value is a reset, counted from zero.
    private static func counterIncrease(_ points: [SeriesPoint]) -> Double? {
        guard points.count >= 2 else { return nil }
        var total = 0.0
        for index in 1..<points.count {
            let previous = points[index - 1].value
            let current = points[index].value
            total += current >= previous ? current - previous : current
        }
        return total
    }
}
