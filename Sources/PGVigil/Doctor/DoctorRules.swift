// The doctor's judgement: a server's setup in, findings with their fixes out. Pure, for unit tests.

/// Judges what a PostgreSQL server or a PgBouncer shows the monitoring role.
package enum DoctorRules {
    /// The shortest query text worth keeping whole (`track_activity_query_size`'s default is 1 kB).
    static let querySizeWanted = 4096

    /// The findings on a PostgreSQL server's setup, warnings first.
    package static func findings(_ setup: ServerSetup) -> [DoctorFinding] {
        var found = roleFindings(setup) + statementsFindings(setup) + settingFindings(setup) + sequenceFindings(setup)
        for slot in setup.inactiveSlots {
            found.append(
                DoctorFinding(
                    check: "replication_slot", severity: .warning,
                    problem: slot.lost
                        ? "slot \(slot.name) was invalidated (the WAL it needed is gone): its consumer can never resume from it"
                        : "slot \(slot.name) is inactive and holds back \(bytes(slot.retainedBytes)) of WAL, which grows until the disk fills",
                    fix: "if its consumer is gone for good: SELECT pg_drop_replication_slot('\(slot.name)');"))  // [a-z0-9_] only
        }
        return found.filter { $0.severity == .warning } + found.filter { $0.severity == .advice }
    }

    /// The finding on a PgBouncer whose admin console refused `user` ("not allowed"), if it did.
    package static func pgBouncerFindings(user: String, refusal: String?) -> [DoctorFinding] {
        guard let refusal, refusal.contains("not allowed") else { return [] }
        return [
            DoctorFinding(
                check: "stats_users", severity: .warning,
                problem: "PgBouncer does not let \(user) read its statistics (SHOW POOLS, SHOW STATS)",
                fix: "add \(user) to stats_users in pgbouncer.ini, then RELOAD on the admin console")
        ]
    }

    /// The finding on a target that could not be reached or read.
    package static func unreachable(_ reason: String) -> DoctorFinding {
        // libpq's messages run over lines ("…failed: Connection refused\n\tIs the server running…").
        let line = reason.split(whereSeparator: \.isNewline).map { $0.drop { $0.isWhitespace } }.joined(separator: " ")
        return DoctorFinding(
            check: "connection", severity: .warning, problem: "cannot connect or read the server: \(line)",
            fix: "check the target's dsn (host, port, user; the password in ~/.pgpass or PGPASSWORD) and pg_hba.conf")
    }

    private static func roleFindings(_ setup: ServerSetup) -> [DoctorFinding] {
        let role = setup.role
        if setup.isSuperuser {
            return [
                DoctorFinding(
                    check: "role", severity: .warning,
                    problem: "\(role) is a superuser: it can read and change everything; monitoring needs pg_monitor and nothing more",
                    fix: "CREATE ROLE pgvigil LOGIN PASSWORD '…' IN ROLE pg_monitor; and connect as pgvigil in the target's dsn")
            ]
        }
        var found: [DoctorFinding] = []
        if !setup.hasPgMonitor {
            found.append(
                DoctorFinding(
                    check: "role", severity: .warning,
                    problem:
                        "\(role) is not a member of pg_monitor: other sessions' queries, replication and slot figures, database sizes are hidden from it",
                    fix: "GRANT pg_monitor TO \(role);"))
        }
        if !setup.extraAttributes.isEmpty {
            found.append(
                DoctorFinding(
                    check: "role", severity: .warning,
                    problem: "\(role) has \(setup.extraAttributes.joined(separator: ", ")), which monitoring never uses",
                    fix: "ALTER ROLE \(role) " + setup.extraAttributes.map { "NO" + $0 }.joined(separator: " ") + ";"))
        }
        if !setup.extraRoles.isEmpty {
            found.append(
                DoctorFinding(
                    check: "role", severity: .warning,
                    problem: "\(role) is also a member of \(setup.extraRoles.joined(separator: ", ")): more than monitoring needs",
                    fix: "REVOKE \(setup.extraRoles.joined(separator: ", ")) FROM \(role);"))
        }
        return found
    }

    private static func statementsFindings(_ setup: ServerSetup) -> [DoctorFinding] {
        guard setup.preloadLibraries.contains("pg_stat_statements") else {
            let libraries = (setup.preloadLibraries.filter { !$0.isEmpty } + ["pg_stat_statements"]).joined(separator: ",")
            return [
                DoctorFinding(
                    check: "pg_stat_statements", severity: .advice,
                    problem: "pg_stat_statements is not in shared_preload_libraries: no per-statement time (the statements collector)",
                    fix: "ALTER SYSTEM SET shared_preload_libraries = '\(libraries)'; restart the server; CREATE EXTENSION pg_stat_statements;")
            ]
        }
        guard setup.statementsCreated else {
            return [
                DoctorFinding(
                    check: "pg_stat_statements", severity: .advice,
                    problem: "pg_stat_statements is preloaded but not created in the database the target connects to",
                    fix: "CREATE EXTENSION pg_stat_statements; (in that database)")
            ]
        }
        return []
    }

    private static func settingFindings(_ setup: ServerSetup) -> [DoctorFinding] {
        var found: [DoctorFinding] = []
        if !setup.trackIOTiming {
            found.append(
                DoctorFinding(
                    check: "track_io_timing", severity: .advice,
                    problem: "track_io_timing is off: read and write times (pg_stat_database, pg_stat_io, pg_stat_statements) stay 0",
                    fix: "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf(); (pg_test_timing shows the clock's cost)"))
        }
        if setup.trackActivityQuerySize < querySizeWanted {
            found.append(
                DoctorFinding(
                    check: "track_activity_query_size", severity: .advice,
                    problem:
                        "track_activity_query_size is \(setup.trackActivityQuerySize) bytes: longer queries are cut in pg_stat_activity",
                    fix: "ALTER SYSTEM SET track_activity_query_size = '4kB'; restart the server"))
        }
        if setup.computeQueryID == "off" {
            found.append(
                DoctorFinding(
                    check: "compute_query_id", severity: .advice,
                    problem: "compute_query_id is off: pg_stat_activity and pg_stat_statements have no query_id",
                    fix: "ALTER SYSTEM SET compute_query_id = 'auto'; SELECT pg_reload_conf();"))
        }
        if setup.logMinDurationStatement < 0 {
            found.append(
                DoctorFinding(
                    check: "log_min_duration_statement", severity: .advice,
                    problem: "log_min_duration_statement is off: slow statements leave no trace in the server log",
                    fix: "ALTER SYSTEM SET log_min_duration_statement = '1s'; SELECT pg_reload_conf(); (a threshold that suits the workload)"))
        }
        if !setup.logLockWaits {
            found.append(
                DoctorFinding(
                    check: "log_lock_waits", severity: .advice,
                    problem: "log_lock_waits is off: lock waits longer than deadlock_timeout are not logged",
                    fix: "ALTER SYSTEM SET log_lock_waits = on; SELECT pg_reload_conf();"))
        }
        return found
    }

    private static func sequenceFindings(_ setup: ServerSetup) -> [DoctorFinding] {
        guard !setup.unreadableSequences.isEmpty else { return [] }
        let count = setup.unreadableSequences.reduce(0) { $0 + $1.count }
        let schemas = setup.unreadableSequences.map(\.schema).joined(separator: ", ")
        return [
            DoctorFinding(
                check: "sequences", severity: .advice,
                problem:
                    "\(setup.role) may not read \(count) sequence\(count == 1 ? "" : "s") in \(schemas): nobody sees them run out (the sequences collector)",
                fix: "GRANT SELECT ON ALL SEQUENCES IN SCHEMA \(schemas) TO \(setup.role); (in each database; ALTER DEFAULT PRIVILEGES for new ones)")
        ]
    }

    /// `bytes` in the largest binary unit that keeps it at least 1.
    static func bytes(_ bytes: Double) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB"]
        var value = bytes
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
    }
}
