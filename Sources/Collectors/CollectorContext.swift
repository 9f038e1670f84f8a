// What a collector may need besides its options: the target it runs for and where it leaves side results.
import Exposition
import Store

/// The target-specific context a collector is made with.
package struct CollectorContext: Sendable {
    /// The `target` label value of the target the collector runs against.
    package var target: String
    /// The target's `cluster` label, when it has one: the members settings drift is judged among.
    package var cluster: String?
    /// Where collectors leave query texts (statements) and settings (settings drift).
    package var sideResults: CollectorSideResults

    /// Creates a value from its parts.
    package init(target: String, cluster: String? = nil, sideResults: CollectorSideResults) {
        self.target = target
        self.cluster = cluster
        self.sideResults = sideResults
    }
}
