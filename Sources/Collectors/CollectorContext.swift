// What a collector may need besides its options: the target it runs for and where it leaves side results.
import Exposition
import Store

/// The target-specific context a collector is made with.
package struct CollectorContext: Sendable {
    /// The `target` label value of the target the collector runs against.
    package var target: String
    /// Where the statements collector leaves its query texts for `/api/v1/statements`.
    package var statementTexts: StatementTextCatalog

    /// Creates a value from its parts.
    package init(target: String, statementTexts: StatementTextCatalog) {
        self.target = target
        self.statementTexts = statementTexts
    }
}
