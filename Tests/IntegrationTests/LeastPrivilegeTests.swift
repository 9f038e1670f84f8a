// A collector that cannot run (here: pg_stat_statements not created in the target's database)
// reports pgvigil_collector_success 0 and logs its reason once, not every cycle; the rest run.
import Foundation
import TestSupport
import Testing

@testable import PGVigil
@testable import Postgres

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] != nil),
        "needs the servers and the binary of scripts/test.sh"))
struct LeastPrivilegeTests {
    @Test func aFailingCollectorIsReportedAndLoggedOnce() async throws {
        let database = TestCluster.uniqueName("noext")
        _ = try TestCluster.adminPrimary().query("CREATE DATABASE \(database)", [])
        defer { _ = try? TestCluster.adminPrimary().query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-lp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let log = directory + "/agent.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let dsn = TestCluster.primaryDSN.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(database)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? "")
        process.arguments = ["run", "--dsn", dsn, "--listen", "127.0.0.1:0", "--interval", "300ms"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let config = directory + "/pgvigil.yaml"
        try "collectors: { statements: { enabled: true, interval: 300ms } }\n".write(toFile: config, atomically: true, encoding: .utf8)
        process.arguments? += ["--config", config]
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        let reported = { (try? String(contentsOfFile: log, encoding: .utf8))?.components(separatedBy: "collector statements failed").count ?? 1 }
        // Wait for the first report, then for ten more cycles, counted in the stored history of the
        // collector's result: the same failure must not be logged again in any of them.
        let first = try await waitUntil(timeout: .seconds(15)) { reported() >= 2 }
        #expect(first)
        let port = try #require(
            try String(contentsOfFile: log, encoding: .utf8).firstMatch(of: /msg=listening .*port=(\d+)/).map { String($0.output.1) })
        let cycles = { () async -> Int in
            let url = URL(string: "http://127.0.0.1:\(port)/api/v1/series?match=pgvigil_collector_success%7Bcollector%3D%22statements%22%7D")
            guard let url, let (data, _) = try? await URLSession.shared.data(from: url) else { return 0 }
            return String(decoding: data, as: UTF8.self).components(separatedBy: "],[").count
        }
        let cyclesAtFirstReport = await cycles()
        let tenMore = try await waitUntil(timeout: .seconds(20)) { await cycles() >= cyclesAtFirstReport + 10 }
        #expect(tenMore)
        #expect(reported() == 2, "logged \(reported() - 1) times")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.contains("pg_stat_statements"))
        #expect(!text.contains("pgvigil-test-password"))
        let (data, _) = try await URLSession.shared.data(from: try #require(URL(string: "http://127.0.0.1:\(port)/metrics")))
        let body = String(decoding: data, as: UTF8.self)
        #expect(body.contains("pgvigil_collector_success{target=\"127.0.0.1:\(TestCluster.primaryPort)\",collector=\"statements\"} 0"))
        #expect(body.contains("pgvigil_collector_success{target=\"127.0.0.1:\(TestCluster.primaryPort)\",collector=\"activity\"} 1"))
    }
}
