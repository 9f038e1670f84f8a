// The state the HTTP server reads: pre-rendered expositions and target health, swapped whole.
import Exposition
import Support

/// What the HTTP server serves, as of the latest completed sampling cycle.
package struct ServedSnapshot: Sendable {
    /// Every target's families together (for /metrics).
    package var exposition: RenderedExposition
    /// Each target's own families (for /probe?target=), rendered at the first request.
    package var perTarget: [String: LazyExposition]
    /// Each target's latest status, in config order (for /readyz, /probe, the status page and
    /// alerting's view of which targets are down).
    package var targets: [TargetStatus]

    /// Creates a snapshot from its parts.
    package init(exposition: RenderedExposition, perTarget: [String: LazyExposition], targets: [TargetStatus]) {
        self.exposition = exposition
        self.perTarget = perTarget
        self.targets = targets
    }

    /// Before the first cycle: nothing sampled, every target not ready.
    package static func initial(_ targets: [TargetStatus]) -> ServedSnapshot {
        ServedSnapshot(exposition: .empty, perTarget: [:], targets: targets)
    }
}

/// The holder of the current `ServedSnapshot`: the publisher swaps it in after rendering,
/// request handlers copy it out.
package typealias ServedState = SharedValue<ServedSnapshot>
