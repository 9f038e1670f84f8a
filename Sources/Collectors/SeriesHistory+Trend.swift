// The least-squares trend of one stored series, as every forecast fits it.
import Store

extension SeriesHistory {
    /// The trend of the series `name` with `labels` over the last `window` before `now`; nil
    /// while the history spans less than `LinearTrend.minimumPoints` points and
    /// `LinearTrend.minimumSpan` (a quarter of a shorter window), so a forecast is absent rather
    /// than fitted to noise.
    func trend(name: String, labels: [Label], window: Duration, now: Double) async -> LinearTrend? {
        let points = await points(name: name, labels: labels, window: window, now: now)
        return LinearTrend.fit(points, minimumSpan: min(LinearTrend.minimumSpan, window.seconds / 4))
    }
}
