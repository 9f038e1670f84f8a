// The state the HTTP server reads: pre-rendered expositions and target health, swapped atomically.
import NIOConcurrencyHelpers

/// What the HTTP server serves, as of the latest completed sampling cycle.
struct ServedSnapshot: Sendable {
    /// Every target's families together (for /metrics).
    var exposition: RenderedExposition
    /// Each target's own families (for /probe?target=).
    var perTarget: [String: RenderedExposition]
    /// Each target's latest status, in config order (for /readyz).
    var targets: [TargetStatus]
    /// The pending and firing alerts (for /api/v1/alerts and the status page).
    var alerts: [ActiveAlert]

    /// Before the first cycle: nothing sampled, every target not ready.
    static func initial(_ targets: [TargetStatus]) -> ServedSnapshot {
        ServedSnapshot(exposition: .empty, perTarget: [:], targets: targets, alerts: [])
    }
}

/// A lock-protected holder of the current `ServedSnapshot`: the sampler swaps it in once per cycle,
/// request handlers copy it out without waiting on anything else.
final class ServedState: Sendable {
    private let box: NIOLockedValueBox<ServedSnapshot>

    /// Creates the holder with an initial snapshot.
    init(_ initial: ServedSnapshot) {
        box = NIOLockedValueBox(initial)
    }

    /// The current snapshot.
    var current: ServedSnapshot { box.withLockedValue { $0 } }

    /// Replaces the current snapshot.
    func update(_ snapshot: ServedSnapshot) {
        box.withLockedValue { $0 = snapshot }
    }
}
