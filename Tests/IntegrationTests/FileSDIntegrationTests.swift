// file_sd with the agent binary against the real primary and replica: targets added, removed, and
// a broken file that keeps the last good ones.
import Foundation
import TestSupport
import Testing

/// The built binary, as scripts/test.sh names it.
private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable && !binary.isEmpty), "needs the test servers and PGVIGIL_TEST_BINARY"))
struct FileSDIntegrationTests {
    /// `host:port` of a test server's DSN.
    private func address(_ dsn: String) -> String {
        let fields = Dictionary(
            dsn.split(separator: " ").map { $0.split(separator: "=", maxSplits: 1).map(String.init) }.filter { $0.count == 2 }.map { ($0[0], $0[1]) },
            uniquingKeysWith: { first, _ in first })
        return "\(fields["host"] ?? ""):\(fields["port"] ?? "")"
    }

    /// The agent's /metrics.
    private func metrics(_ port: Int) throws -> String {
        try TLSClientCommand.run("/usr/bin/curl", ["-s", "--max-time", "10", "http://127.0.0.1:\(port)/metrics"]).output
    }

    /// The `target` labels of `pg_up` on the agent's /metrics.
    private func sampled(_ port: Int) throws -> Set<String> {
        Set(
            try metrics(port).split(separator: "\n").filter { $0.hasPrefix("pg_up{") && $0.hasSuffix(" 1") }.compactMap { line in
                line.firstRange(of: #"target=""#).map { String(line[$0.upperBound...].prefix { $0 != "\"" }) }
            })
    }

    @Test func targetsFollowTheFileAndABrokenFileKeepsThem() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-sd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (primary, replica) = (address(TestCluster.primaryDSN), address(TestCluster.replicaDSN))
        let list = directory + "/targets.json"
        func write(_ text: String) throws { try text.write(toFile: list, atomically: true, encoding: .utf8) }
        try write(#"[{"targets": ["\#(primary)"], "labels": {"env": "ci"}}]"#)
        try """
        interval: 1s
        file_sd:
          - files: [\(directory)/*.json]
            dsn_template: "host={{host}} port={{port}} user=pgvigil password=pgvigil-test-password dbname=postgres"
        """.write(toFile: directory + "/pgvigil.yaml", atomically: true, encoding: .utf8)
        let agent = try ListeningAgent.start(binary, ["--config", directory + "/pgvigil.yaml", "--listen", "127.0.0.1:0"])
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        #expect(try await waitUntil(timeout: .seconds(20)) { try sampled(port) == [primary] })

        try write(#"[{"targets": ["\#(primary)", "\#(replica)"]}]"#)
        #expect(try await waitUntil(timeout: .seconds(20)) { try sampled(port) == [primary, replica] })
        try write(#"[{"targets": ["\#(replica)"]}]"#)
        #expect(try await waitUntil(timeout: .seconds(20)) { try sampled(port) == [replica] })

        try write(#"[{"targets": ["#)
        #expect(try await waitUntil(timeout: .seconds(20)) { try metrics(port).contains("\npgvigil_file_sd_read_errors_total 1\n") })
        #expect(try sampled(port) == [replica])
        #expect(agent.process.isRunning)
    }
}
