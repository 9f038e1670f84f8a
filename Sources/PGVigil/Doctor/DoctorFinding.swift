// One thing `pgvigil doctor` found wrong with a target's setup, and how to fix it.

/// A finding: which check, how much it matters, what is wrong and the statement or step that
/// fixes it.
package struct DoctorFinding: Sendable, Hashable, Codable {
    /// How much a finding matters.
    package enum Severity: String, Sendable, Codable {
        /// Monitoring is blind, unsafe or about to cost the server (no pg_monitor, a superuser,
        /// an inactive slot holding WAL, an unreachable target).
        case warning
        /// Monitoring works but sees less than it could (a setting left at its default).
        case advice
    }

    /// The check's name: a setting, `role`, `pg_stat_statements`, `replication_slot`, `stats_users`, `connection`.
    package var check: String
    package var severity: Severity
    /// What is wrong, in a sentence.
    package var problem: String
    /// What to run or change.
    package var fix: String
}

/// What `pgvigil doctor` found on one target.
package struct DoctorExamination: Sendable, Codable {
    /// The target's name.
    package var target: String
    /// The server's version string, when it could be read.
    package var server: String?
    /// The findings, most serious first.
    package var findings: [DoctorFinding]
}
