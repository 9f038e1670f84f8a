// A real scrape checked by Prometheus's own promtool: no parse errors, only the lint README accepts (metric names kept for compatibility).

import Foundation
import Testing

@testable import Config
@testable import PGVigil

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool")),
        "needs promtool and the test servers"))
struct PromtoolTests {
    @Test func promtoolFindsNoErrorsInAScrape() async throws {
        let config = testConfig(targets: [
            TargetConfig(name: "primary", dsn: TestCluster.primaryDSN), TargetConfig(name: "replica", dsn: TestCluster.replicaDSN),
        ])
        try await RunningAgent.with(config) { agent in
            let scrape = try await agent.scrape(until: { $0.familyNames.contains("pg_database_size_bytes") })
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-promtool-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let input = directory.appendingPathComponent("scrape.txt").path
            let output = directory.appendingPathComponent("promtool.txt").path
            try scrape.body.write(toFile: input, atomically: true, encoding: .utf8)
            let status = try await runCommand(["/bin/sh", "-c", "promtool check metrics < '\(input)' > '\(output)' 2>&1"])
            let report = try String(contentsOfFile: output, encoding: .utf8)
            // 0: clean; 3: lint warnings only; 1: the exposition could not be parsed.
            #expect(status == 0 || status == 3, "promtool: \(report)")
            // The only lint accepted: postgres_exporter's names ending in _count, kept for its dashboards.
            let warnings = report.split(separator: "\n").filter { !$0.isEmpty }
            #expect(warnings.allSatisfy { $0.contains("should not have \"_count\" suffix") }, "promtool: \(report)")
        }
    }
}
