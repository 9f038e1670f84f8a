// The doctor's judgement on setups read from rows, and its report's shapes and exit code.

import Foundation
import Testing

@testable import PGVigil
@testable import Postgres

@Suite struct DoctorRulesTests {
    /// A row of `ServerSetup.query` for a well set-up server, with `changes` applied.
    private func setup(_ changes: [String: String?] = [:], slots: [Row] = [], sequences: [Row] = []) throws -> ServerSetup {
        var values: [String: String?] = [
            "role": "pgvigil", "rolsuper": "f", "rolcreaterole": "f", "rolcreatedb": "f", "rolreplication": "f", "rolbypassrls": "f",
            "has_pg_monitor": "t", "extra_roles": nil, "preload": "auto_explain, pg_stat_statements", "statements_created": "t",
            "track_io_timing": "t", "track_activity_query_size": "4096", "compute_query_id": "auto", "log_min_duration_statement": "1000",
            "log_lock_waits": "t",
        ]
        values.merge(changes) { $1 }
        let columns = values.keys.sorted()
        return try ServerSetup(row: Row(columns: columns, values: columns.map { values[$0] ?? nil }), slotRows: slots, sequenceRows: sequences)
    }

    private func checks(_ setup: ServerSetup) -> [String] { DoctorRules.findings(setup).map(\.check) }

    @Test func aWellSetUpServerHasNoFindings() throws {
        #expect(DoctorRules.findings(try setup()).isEmpty)
    }

    @Test func sequencesTheRoleMayNotReadAreAdvisedWithTheGrantPerSchema() throws {
        let findings = DoctorRules.findings(
            try setup(sequences: [Row(["schemaname": "billing", "unreadable": "2"]), Row(["schemaname": "public", "unreadable": "1"])]))
        #expect(findings.map(\.check) == ["sequences"])
        #expect(findings.first?.severity == .advice && findings.first?.problem.contains("3 sequences in billing, public") == true)
        #expect(findings.first?.fix.hasPrefix("GRANT SELECT ON ALL SEQUENCES IN SCHEMA billing, public TO pgvigil;") == true)
    }

    @Test func aSuperuserIsOneFindingAndItsOtherRightsAreNotListed() throws {
        let findings = DoctorRules.findings(try setup(["rolsuper": "t", "has_pg_monitor": "t", "rolcreatedb": "t"]))
        #expect(findings.map(\.check) == ["role"])
        #expect(findings.first?.severity == .warning && findings.first?.problem.contains("superuser") == true)
    }

    @Test func aRoleWithoutPgMonitorOrWithMoreIsToldWhatToGrantAndRevoke() throws {
        let findings = DoctorRules.findings(
            try setup(["has_pg_monitor": "f", "rolcreatedb": "t", "rolreplication": "t", "extra_roles": "app_writer,pg_read_all_data"]))
        #expect(
            findings.map(\.fix) == [
                "GRANT pg_monitor TO pgvigil;", "ALTER ROLE pgvigil NOCREATEDB NOREPLICATION;", "REVOKE app_writer, pg_read_all_data FROM pgvigil;",
            ])
    }

    @Test func pgStatStatementsIsPreloadedThenCreated() throws {
        let unloaded = DoctorRules.findings(try setup(["preload": "auto_explain"]))
        #expect(unloaded.map(\.check) == ["pg_stat_statements"])
        // The fix keeps the libraries already preloaded.
        #expect(unloaded.first?.fix.hasPrefix("ALTER SYSTEM SET shared_preload_libraries = 'auto_explain,pg_stat_statements';") == true)
        #expect(DoctorRules.findings(try setup(["preload": ""])).first?.fix.contains("= 'pg_stat_statements'") == true)
        #expect(DoctorRules.findings(try setup(["statements_created": "f"])).first?.fix == "CREATE EXTENSION pg_stat_statements; (in that database)")
    }

    @Test func eachSettingLeftAtItsDefaultIsAdvice() throws {
        let findings = DoctorRules.findings(
            try setup([
                "track_io_timing": "f", "track_activity_query_size": "1024", "compute_query_id": "off", "log_min_duration_statement": "-1",
                "log_lock_waits": "f",
            ]))
        #expect(
            findings.map(\.check) == [
                "track_io_timing", "track_activity_query_size", "compute_query_id", "log_min_duration_statement", "log_lock_waits",
            ])
        #expect(findings.allSatisfy { $0.severity == .advice })
        // Before PostgreSQL 14 there is no compute_query_id: nothing to say.
        #expect(checks(try setup(["compute_query_id": nil])).isEmpty)
    }

    @Test func inactiveSlotsAreWarningsWithTheWALTheyHoldAndComeFirst() throws {
        let findings = DoctorRules.findings(
            try setup(
                ["log_lock_waits": "f"],
                slots: [
                    Row(["slot_name": "old_replica", "lost": "f", "retained": "3221225472"]),
                    Row(["slot_name": "gone", "lost": "t", "retained": "0"]),
                ]))
        #expect(findings.map(\.check) == ["replication_slot", "replication_slot", "log_lock_waits"])
        #expect(findings[1].problem == "slot gone was invalidated (the WAL it needed is gone): its consumer can never resume from it")
        #expect(findings.first?.problem == "slot old_replica is inactive and holds back 3.0 GiB of WAL, which grows until the disk fills")
        #expect(findings.first?.fix == "if its consumer is gone for good: SELECT pg_drop_replication_slot('old_replica');")
    }

    @Test func pgBouncerRefusingTheUserAsksForStatsUsers() {
        let refused = DoctorRules.pgBouncerFindings(user: "pgvigil", refusal: "FATAL:  not allowed")
        #expect(refused.map(\.check) == ["stats_users"] && refused.first?.fix.contains("stats_users") == true)
        #expect(DoctorRules.pgBouncerFindings(user: "pgvigil", refusal: "connection refused").isEmpty)
    }

    @Test func theReportIsOneLinePerFindingTheJSONCountsThemAndTheExitCodeSaysWhetherAny() throws {
        let clean = DoctorExamination(target: "replica", server: "PostgreSQL 17.2", findings: [])
        let troubled = DoctorExamination(
            target: "primary", server: nil,
            findings: [DoctorRules.unreachable("connection to server failed: Connection refused\n\tIs the server running on that host?")])
        #expect(DoctorReport.exitCode([clean]) == 0 && DoctorReport.exitCode([clean, troubled]) == 1)
        let text = DoctorReport.text([troubled, clean])
        #expect(
            text == """
                primary: 1 finding
                  warning connection: cannot connect or read the server: connection to server failed: Connection refused Is the server running on that host?
                    fix: check the target's dsn (host, port, user; the password in ~/.pgpass or PGPASSWORD) and pg_hba.conf
                replica (PostgreSQL 17.2): no findings
                1 finding on 1 of 2 targets

                """)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(DoctorReport.json([troubled, clean]).utf8)) as? [String: Any])
        #expect(json["findings"] as? Int == 1)
        let targets = try #require(json["targets"] as? [[String: Any]])
        #expect(targets.map { $0["target"] as? String } == ["primary", "replica"])
        #expect((targets.first?["findings"] as? [[String: Any]])?.first?["severity"] as? String == "warning")
    }
}
