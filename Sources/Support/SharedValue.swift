// A value one side replaces and request handlers read, under a lock and without waiting on anything else.
import NIOConcurrencyHelpers

/// A lock-protected holder of the latest `Value`: its writer (the sampler's publisher, alerting)
/// swaps in a new one whole, readers (the HTTP handlers, on the event loop) copy it out.
package final class SharedValue<Value: Sendable>: Sendable {
    private let box: NIOLockedValueBox<Value>

    /// Creates the holder with an initial value.
    package init(_ initial: Value) {
        box = NIOLockedValueBox(initial)
    }

    /// The current value.
    package var current: Value { box.withLockedValue { $0 } }

    /// Replaces the current value.
    package func update(_ value: Value) {
        box.withLockedValue { $0 = value }
    }
}
