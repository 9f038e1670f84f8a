// Read access to stored history, as collectors see it when they derive windowed series.

/// Recent history of a target's series, for collectors that derive values over a window.
package protocol SeriesHistory: Sendable {
    /// The points of the series `name` with exactly `labels` (without the target's own labels)
    /// sampled within the last `window` before `now`, oldest first.
    func points(name: String, labels: [Label], window: Duration, now: Double) async -> [SeriesPoint]
}
