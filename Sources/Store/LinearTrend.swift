// A straight line fitted to a series' points by least squares: where a growing value is heading.

/// The least-squares line through a series' points, as PromQL's `predict_linear` fits it:
/// value = intercept + slope × (t − origin), t in seconds. Forecasts from it are honest only for
/// values that grow steadily (ages, sizes, retained WAL); a sawtooth (an age that a vacuum
/// resets) is fitted as its average slope.
package struct LinearTrend: Sendable, Equatable {
    /// The change per second.
    package var slope: Double
    /// The line's value at `origin`.
    package var intercept: Double
    /// The time the intercept is at (the first point's, which keeps the sums well conditioned).
    package var origin: Double

    /// The fewest points and the shortest span a trend is fitted from: fewer, and noise passes for a trend.
    package static let minimumPoints = 5
    package static let minimumSpan = 300.0

    /// The line through `points` (oldest first); nil with fewer than `minimumPoints`, a span
    /// shorter than `minimumSpan` seconds, or values that are not all finite.
    package static func fit(_ points: [SeriesPoint], minimumSpan: Double = minimumSpan) -> LinearTrend? {
        guard points.count >= minimumPoints, let first = points.first, let last = points.last, last.timestamp - first.timestamp >= minimumSpan,
            points.allSatisfy({ $0.value.isFinite })
        else { return nil }
        let count = Double(points.count)
        var sumT = 0.0
        var sumV = 0.0
        for point in points {
            sumT += point.timestamp - first.timestamp
            sumV += point.value
        }
        let meanT = sumT / count
        let meanV = sumV / count
        var covariance = 0.0
        var variance = 0.0
        for point in points {
            let t = point.timestamp - first.timestamp - meanT
            covariance += t * (point.value - meanV)
            variance += t * t
        }
        guard variance > 0 else { return nil }
        let slope = covariance / variance
        return LinearTrend(slope: slope, intercept: meanV - slope * meanT, origin: first.timestamp)
    }

    /// The line's value at `time`.
    package func value(at time: Double) -> Double {
        intercept + slope * (time - origin)
    }

    /// Seconds until a value now at `current` reaches `threshold` at the line's slope: 0 when it
    /// is there already, nil when the line does not rise (a flat or falling trend never gets
    /// there). From the current value rather than the line's, so a step (a vacuum that reset an
    /// age) shows at once.
    package func secondsUntil(_ threshold: Double, current: Double) -> Double? {
        if current >= threshold { return 0 }
        guard slope > 0 else { return nil }
        return (threshold - current) / slope
    }
}
