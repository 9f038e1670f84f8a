// A collector context for tests that build schedules without a running agent.
@testable import Collectors
@testable import Exposition
@testable import PGVigil
@testable import Store

extension CollectorContext {
    /// A context for a target named "test" with a catalog of its own.
    static var unitTest: CollectorContext { CollectorContext(target: "test", sideResults: CollectorSideResults()) }
}
