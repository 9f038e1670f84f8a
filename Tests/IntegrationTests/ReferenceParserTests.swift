// A real scrape in both formats, read by the Prometheus project's own Python parsers
// (Debian's python3-prometheus-client): text 0.0.4 and the strict OpenMetrics 1.0 parser.

import Foundation
import Testing

@testable import Config
@testable import PGVigil

/// Where Debian installs the parsers.
private let openMetricsParser = "/usr/lib/python3/dist-packages/prometheus_client/openmetrics/parser.py"

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && FileManager.default.fileExists(atPath: openMetricsParser)),
        "needs python3-prometheus-client and the test servers"))
struct ReferenceParserTests {
    /// Parses `body` with `module`'s `text_string_to_metric_families`; returns the exit status and
    /// what the parser printed (the family count, or its error).
    private func parse(_ body: String, module: String, in directory: URL) async throws -> (Int32, String) {
        let input = directory.appendingPathComponent("\(module).txt").path
        let output = directory.appendingPathComponent("\(module).out").path
        try body.write(toFile: input, atomically: true, encoding: .utf8)
        let script =
            "import sys; from prometheus_client.\(module) import text_string_to_metric_families as parse; "
            + "print(len(list(parse(open(sys.argv[1]).read()))))"
        let status = try await runCommand(["/bin/sh", "-c", "/usr/bin/python3 -c '\(script)' '\(input)' > '\(output)' 2>&1"])
        return (status, try String(contentsOfFile: output, encoding: .utf8))
    }

    @Test func bothFormatsParseWithTheReferenceParsers() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-parsers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = testConfig(targets: [
            TargetConfig(name: "primary", dsn: TestCluster.primaryDSN), TargetConfig(name: "replica", dsn: TestCluster.replicaDSN),
        ])
        try await RunningAgent.with(config) { agent in
            let text = try await agent.scrape(until: { $0.familyNames.contains("pg_database_size_bytes") })
            let openMetrics = try await agent.get("/metrics", headers: ["Accept": "application/openmetrics-text; version=1.0.0"])
            #expect(openMetrics.body.hasSuffix("# EOF\n"))
            let (textStatus, textFamilies) = try await parse(text.body, module: "parser", in: directory)
            #expect(textStatus == 0, "text parser: \(textFamilies)")
            let (openMetricsStatus, openMetricsFamilies) = try await parse(openMetrics.body, module: "openmetrics.parser", in: directory)
            #expect(openMetricsStatus == 0, "OpenMetrics parser: \(openMetricsFamilies)")
            // curl --compressed reads the gzip stream /metrics joins from pre-deflated parts.
            let curled = directory.appendingPathComponent("curl.txt").path
            let curlStatus = try await runCommand([
                "/bin/sh", "-c",
                "curl -sf --compressed -H 'Accept: application/openmetrics-text; version=1.0.0' http://127.0.0.1:\(agent.port)/metrics > '\(curled)'",
            ])
            #expect(curlStatus == 0)
            let (curledStatus, curledFamilies) = try await parse(
                try String(contentsOfFile: curled, encoding: .utf8), module: "openmetrics.parser", in: directory)
            #expect(curledStatus == 0, "OpenMetrics parser on curl's gunzipped body: \(curledFamilies)")
            // Each parser finds every family its body declares (the two scrapes are moments apart,
            // so each is compared with its own body: a slower collector may report in between).
            func declared(_ body: String) -> Int { body.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.count }
            let textCount = Int(textFamilies.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            let openMetricsCount = Int(openMetricsFamilies.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            #expect(textCount > 50 && textCount == declared(text.body), "\(textCount) of \(declared(text.body))")
            #expect(openMetricsCount == declared(openMetrics.body), "\(openMetricsCount) of \(declared(openMetrics.body))")
        }
    }
}
