// A consolidated tier of history: coarser points kept longer than the raw ring.

/// One tier of consolidated history, as RRD-style monitors keep them: every series' samples in
/// each `step` (aligned to the Unix epoch) are summarised into one point (minimum, average and
/// maximum for a gauge; the last value for a counter), and `keep` seconds of those points are
/// held beside the raw ring, so trends and sparklines reach days back at a few bytes a step.
package struct HistoryTier: Sendable, Hashable {
    /// Seconds each consolidated point covers.
    package var step: Double
    /// Seconds of consolidated points kept.
    package var keep: Double

    /// A tier of `step`-second points kept `keep` seconds.
    package init(step: Double, keep: Double) {
        self.step = step
        self.keep = keep
    }

    /// How many points the tier holds per series.
    var capacity: Int { Int((keep / step).rounded(.up)) }
}

/// Which of a consolidated point's figures a reader wants.
package enum Consolidation: String, Sendable, CaseIterable {
    /// The smallest sample of the step (a counter's last value).
    case min
    /// The mean of the step's samples (a counter's last value).
    case avg
    /// The largest sample of the step (a counter's last value).
    case max
}
