// When the publisher renders /metrics: after a change, but not more often than a set interval.

/// The publisher's decision about rendering /metrics, as a value without a clock: a change is
/// rendered at once when the last render is at least `minimumInterval` old, and otherwise when it
/// becomes so, with every change in between folded into that one render. Times are offsets on
/// the publisher's clock (from the start of its loop).
package struct RenderPacing: Sendable {
    /// What the publisher does next.
    package enum Action: Equatable, Sendable {
        /// Render now.
        case render
        /// Nothing changed since the last render: wait until something does.
        case waitForChange
        /// Something changed, but the last render is too recent: wait until this offset.
        case waitUntil(Duration)
    }

    /// The shortest time between two renders.
    package let minimumInterval: Duration
    /// Whether something changed since the last render.
    package private(set) var changePending = false
    /// When the last render was, if there was one.
    private var lastRender: Duration?

    /// Pacing that has rendered nothing yet.
    package init(minimumInterval: Duration) {
        self.minimumInterval = minimumInterval
    }

    /// Records that what is served changed.
    package mutating func changed() {
        changePending = true
    }

    /// What to do at `now`.
    package func next(at now: Duration) -> Action {
        guard changePending else { return .waitForChange }
        if let lastRender, now < lastRender + minimumInterval { return .waitUntil(lastRender + minimumInterval) }
        return .render
    }

    /// Records a render at `now` (nil: outside the loop, for `pgvigil once`, which has no clock).
    package mutating func rendered(at now: Duration?) {
        changePending = false
        if let now { lastRender = now }
    }
}
