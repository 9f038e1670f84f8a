// `pgvigil doctor` against the real servers, set up well and then deliberately badly: exit codes,
// the findings each state gives, and the JSON tools read.

import Foundation
import TestSupport
import Testing

@testable import PGVigil
@testable import Postgres

private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""
private let bouncer = ProcessInfo.processInfo.environment["PGVIGIL_TEST_PGBOUNCER_DSN"]

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && !binary.isEmpty && bouncer != nil),
        "needs the servers and PGVIGIL_TEST_BINARY of scripts/test.sh"))
struct DoctorIntegrationTests {
    /// The logging settings a good setup has, set (or reset when `good` is false) on both servers.
    private func setLogging(good: Bool) async throws {
        for admin in [try TestCluster.adminPrimary(), try TestCluster.adminReplica()] {
            for (name, value) in [("log_min_duration_statement", "'1s'"), ("log_lock_waits", "on")] {
                _ = try admin.query(good ? "ALTER SYSTEM SET \(name) = \(value)" : "ALTER SYSTEM RESET \(name)", [])
            }
            _ = try admin.query("SELECT pg_reload_conf()", [])
        }
        // The postmaster applies a reload a moment later: new sessions then see it.
        let applied = try await waitUntil(timeout: .seconds(10)) {
            try [TestCluster.adminPrimary(), TestCluster.adminReplica()].allSatisfy {
                try $0.query("SELECT current_setting('log_lock_waits') AS value", []).rows.first?.string("value") == (good ? "on" : "off")
            }
        }
        #expect(applied)
    }

    /// Runs `pgvigil doctor --output json` over `targets` (YAML flow mappings); returns the exit
    /// status and each target's finding checks.
    private func doctor(_ targets: [String]) throws -> (status: Int32, checks: [String: [String]], output: String) {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-doctor-\(UUID().uuidString).yaml").path
        try ("targets:\n" + targets.map { "  - \($0)\n" }.joined()).write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let result = try TLSClientCommand.run(binary, ["doctor", "--config", config, "--output", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        var checks: [String: [String]] = [:]
        for target in json?["targets"] as? [[String: Any]] ?? [] {
            checks[target["target"] as? String ?? ""] = (target["findings"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
        }
        return (result.status, checks, result.output)
    }

    @Test func aWellSetUpFleetIsCleanAndAnUnderConfiguredOneIsToldWhatToFix() async throws {
        let pgBouncer = try #require(bouncer)
        try await setLogging(good: true)
        let good = try doctor([
            "{ name: primary, dsn: \"\(TestCluster.primaryDSN)\" }", "{ name: replica, dsn: \"\(TestCluster.replicaDSN)\" }",
            "{ name: bouncer, dsn: \"\(pgBouncer)\", type: pgbouncer }",
        ])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.checks == ["primary": [], "replica": [], "bouncer": []])

        // Badly: logging back at its defaults, a slot nobody reads, a sequence the role may not
        // read, a superuser, a PgBouncer user outside stats_users.
        try await setLogging(good: false)
        let slot = TestCluster.uniqueName("doctor_slot")
        let admin = try TestCluster.adminPrimary()
        _ = try admin.query("SELECT pg_create_physical_replication_slot('\(slot)', true)", [])
        defer { _ = try? admin.query("SELECT pg_drop_replication_slot('\(slot)')", []) }
        let sequence = TestCluster.uniqueName("doctor_sequence")
        _ = try admin.query("CREATE SEQUENCE \(sequence)", [])
        defer { _ = try? admin.query("DROP SEQUENCE \(sequence)", []) }
        let superuser = try #require(ProcessInfo.processInfo.environment["PGVIGIL_TEST_ADMIN_PRIMARY_DSN"])
        let bad = try doctor([
            "{ name: primary, dsn: \"\(TestCluster.primaryDSN)\" }", "{ name: admin, dsn: \"\(superuser)\" }",
            "{ name: bouncer, dsn: \"\(pgBouncer.replacingOccurrences(of: "user=pgvigil", with: "user=postgres"))\", type: pgbouncer }",
        ])
        #expect(bad.status == 1, "\(bad.output)")
        #expect(bad.checks["primary"] == ["replication_slot", "log_min_duration_statement", "log_lock_waits", "sequences"])
        #expect(bad.checks["admin"] == ["role", "replication_slot", "log_min_duration_statement", "log_lock_waits"])
        #expect(bad.checks["bouncer"] == ["stats_users"])
        #expect(bad.output.contains("pg_drop_replication_slot('\(slot)')"))
        #expect(bad.output.contains("GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO pgvigil;"))
    }
}
