// One target's exposition for /probe, rendered only when someone asks for it.
import NIOConcurrencyHelpers
import Store

/// A target's encoded families, rendered into a `RenderedExposition` at the first request and
/// kept until the target's next cycle replaces this value. Most agents are scraped through
/// `/metrics` only; they then hold no second rendered copy of each target (both formats and
/// their deflated pieces, about as many bytes again as `/metrics` itself).
package final class LazyExposition: Sendable {
    private let encoded: [EncodedFamilies]
    private let lastSuccess: [(labels: [Label], timestamp: Double?)]
    private let rendered = NIOLockedValueBox<RenderedExposition?>(nil)

    /// Families to render on demand, merged as `RenderedExposition(encoded:lastSuccess:)` does.
    package init(encoded: [EncodedFamilies], lastSuccess: [(labels: [Label], timestamp: Double?)]) {
        self.encoded = encoded
        self.lastSuccess = lastSuccess
    }

    /// The rendered exposition: rendered by the first caller, shared by the rest.
    package var exposition: RenderedExposition {
        rendered.withLockedValue { cached in
            if let cached { return cached }
            let exposition = RenderedExposition(encoded: encoded, lastSuccess: lastSuccess)
            cached = exposition
            return exposition
        }
    }
}
