// What a collector may need besides its options: the target it runs for and where it leaves side results.

/// The target-specific context a collector is made with.
struct CollectorContext: Sendable {
    /// The `target` label value of the target the collector runs against.
    var target: String
    /// Where the statements collector leaves its query texts for `/api/v1/statements`.
    var statementTexts: StatementTextCatalog
}
