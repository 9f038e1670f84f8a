// Keeps examples/pgvigil.yaml true: it loads and compiles (AgentIntegrationTests checks its rules' metrics).

import Foundation
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil

@Suite struct ExampleConfigTests {
    /// The example config, found from this file's path in the checkout.
    static var examplePath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("examples/pgvigil.yaml").path
    }

    @Test func exampleConfigLoadsWithItsDefaultRules() throws {
        let config = try AgentSetup.load(overrides: ConfigOverrides(configFile: Self.examplePath), environment: [:]).config
        let plan = try AlertingPlan.make(from: config, environment: [:])
        #expect(plan.rules.count == 14)
        #expect(plan.receivers.map(\.name) == ["oncall"])
    }
}
