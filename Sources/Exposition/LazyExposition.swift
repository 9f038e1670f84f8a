// One target's exposition for /probe, rendered only when someone asks for it.
import NIOConcurrencyHelpers
import Store

/// A target's encoded families, rendered into a `RenderedExposition` at the first request and
/// kept until the target's next cycle replaces this value. Most agents are scraped through
/// `/metrics` only; they then hold no second rendered copy of each target (both formats'
/// headers, its lines again and their deflated pieces).
package final class LazyExposition: Sendable {
    /// The families to render, or what they rendered to.
    private enum State {
        case pending([EncodedFamilies])
        case rendered(RenderedExposition)
    }

    private let lastSuccess: [(labels: [Label], timestamp: Double?)]
    private let state: NIOLockedValueBox<State>

    /// Families to render on demand, merged as `RenderedExposition(encoded:lastSuccess:)` does.
    package init(encoded: [EncodedFamilies], lastSuccess: [(labels: [Label], timestamp: Double?)]) {
        self.lastSuccess = lastSuccess
        state = NIOLockedValueBox(.pending(encoded))
    }

    /// The rendered exposition: rendered by the first caller, shared by the rest.
    package var exposition: RenderedExposition {
        state.withLockedValue { state in
            switch state {
            case .rendered(let exposition):
                return exposition
            case .pending(let encoded):
                let exposition = RenderedExposition(encoded: encoded, lastSuccess: lastSuccess)
                state = .rendered(exposition)
                return exposition
            }
        }
    }

    /// Takes `encoded`, the same families as their bytes in /metrics' rendering, in place of
    /// those it was made with (unless it rendered already), so their first copy can be freed.
    package func relocate(_ encoded: [EncodedFamilies]) {
        state.withLockedValue { state in
            if case .pending = state { state = .pending(encoded) }
        }
    }
}
