// The history saved under state_directory outlives a restart of the agent binary: the points
// sampled before SIGTERM are served again by the next process, and a damaged file is moved aside.
import Foundation
import TestSupport
import Testing

/// The built binary, as scripts/test.sh names it.
private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable && !binary.isEmpty), "needs the test servers and PGVIGIL_TEST_BINARY"))
struct HistoryRestartTests {
    /// The timestamps of `pg_up`'s points for the target `primary`, from `/api/v1/series`.
    private func upTimestamps(_ port: Int) throws -> [Double] {
        let body = try TLSClientCommand.run(
            "/usr/bin/curl", ["-s", "--max-time", "10", "http://127.0.0.1:\(port)/api/v1/series?match=pg_up%7Btarget%3D%22primary%22%7D"]
        ).output
        let json = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        let result = (json?["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        return (result.first?["values"] as? [[Any]] ?? []).compactMap { $0.first as? Double }
    }

    @Test func pointsSampledBeforeARestartAreServedAfterIt() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-state-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + ".yaml"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try """
        interval: 500ms
        state_directory: \(directory)
        targets: [{ name: primary, dsn: "\(TestCluster.primaryDSN)" }]
        """.write(toFile: config, atomically: true, encoding: .utf8)

        let first = try ListeningAgent.start(binary, ["--config", config, "--listen", "127.0.0.1:0"])
        let firstPort = try #require(first.port, "\(first.log)")
        var before: [Double] = []
        #expect(
            try await waitUntil(timeout: .seconds(20)) {
                before = try upTimestamps(firstPort); return before.count >= 5
            })
        first.stop()
        #expect(first.process.terminationStatus == 0)
        #expect(FileManager.default.fileExists(atPath: directory + "/history.pgvh"))
        let stopped = Date().timeIntervalSince1970

        let second = try ListeningAgent.start(binary, ["--config", config, "--listen", "127.0.0.1:0"])
        defer { second.stop() }
        let secondPort = try #require(second.port, "\(second.log)")
        var after: [Double] = []
        #expect(
            try await waitUntil(timeout: .seconds(20)) {
                after = try upTimestamps(secondPort); return after.contains { $0 > stopped }
            })
        // Every point the first process served is served again, before the second one's own.
        #expect(Set(before).isSubset(of: Set(after)), "before: \(before), after: \(after)")
        #expect(after == after.sorted())
        second.stop()

        // A damaged file is moved aside, and the agent starts without it.
        let file = directory + "/history.pgvh"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let third = try ListeningAgent.start(binary, ["--config", config, "--listen", "127.0.0.1:0"])
        defer { third.stop() }
        let thirdPort = try #require(third.port, "\(third.log)")
        #expect(third.log.contains("the saved history is unreadable"), "\(third.log)")
        #expect(FileManager.default.fileExists(atPath: file + ".unreadable"))
        #expect(try upTimestamps(thirdPort).allSatisfy { $0 > stopped })
    }
}
