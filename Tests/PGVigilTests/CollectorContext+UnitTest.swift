// A collector context for tests that build schedules without a running agent.
@testable import PGVigil

extension CollectorContext {
    /// A context for a target named "test" with a catalog of its own.
    static var unitTest: CollectorContext { CollectorContext(target: "test", statementTexts: StatementTextCatalog()) }
}
