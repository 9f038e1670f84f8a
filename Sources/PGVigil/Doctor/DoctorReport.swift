// How `pgvigil doctor` prints what it found: text for people, JSON for tools.
import Support

/// Renders examinations as text or JSON, and the exit code they mean.
package enum DoctorReport {
    /// 0 when no target has a finding, 1 otherwise.
    package static func exitCode(_ examinations: [DoctorExamination]) -> Int32 {
        examinations.allSatisfy { $0.findings.isEmpty } ? 0 : 1
    }

    /// `{"findings": N, "targets": [{"target", "server", "findings": [{"check", "severity", "problem", "fix"}]}]}`.
    package static func json(_ examinations: [DoctorExamination]) -> String {
        /// The whole report: the number of findings and each target's examination.
        struct Document: Encodable {
            var findings: Int
            var targets: [DoctorExamination]
        }
        return JSON.text(Document(findings: examinations.reduce(0) { $0 + $1.findings.count }, targets: examinations)) + "\n"
    }

    /// One block per target: its name and server, then each finding with its fix; a summary line last.
    package static func text(_ examinations: [DoctorExamination]) -> String {
        var text = ""
        for examination in examinations {
            let server = examination.server.map { " (\($0))" } ?? ""
            let count = examination.findings.count
            text += "\(examination.target)\(server): " + (count == 0 ? "no findings" : count == 1 ? "1 finding" : "\(count) findings") + "\n"
            for finding in examination.findings {
                text += "  \(finding.severity.rawValue) \(finding.check): \(finding.problem)\n"
                text += "    fix: \(finding.fix)\n"
            }
        }
        let findings = examinations.reduce(0) { $0 + $1.findings.count }
        let troubled = examinations.filter { !$0.findings.isEmpty }.count
        text +=
            findings == 0
            ? "no findings on \(examinations.count) targets\n"
            : "\(findings == 1 ? "1 finding" : "\(findings) findings") on \(troubled) of \(examinations.count) targets\n"
        return text
    }
}
