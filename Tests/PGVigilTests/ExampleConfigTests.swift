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
        // README's table of default rules lists exactly these, in this order.
        let readme = try String(
            contentsOfFile: Self.examplePath.replacingOccurrences(of: "examples/pgvigil.yaml", with: "README.md"), encoding: .utf8)
        let section = readme.components(separatedBy: "\n## Alerts\n").last?.components(separatedBy: "\n## ").first ?? ""
        let documented = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.compactMap {
            $0.split(separator: "`").dropFirst().first.map(String.init)
        }
        #expect(plan.rules.map(\.name) == documented)
        #expect(plan.receivers.map(\.name) == ["oncall"])
    }
}
