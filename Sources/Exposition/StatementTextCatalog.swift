// The latest query texts of each target's top statements, shared by the statements collector and the HTTP API.
import NIOConcurrencyHelpers
import Support

/// Holds, per target, the statements its statements collector last reported, with their texts,
/// so `/api/v1/statements` can show what a `queryid` label stands for. Query texts never become
/// labels: they are long, unbounded and may be sensitive.
package final class StatementTextCatalog: Sendable {
    private let statements = NIOLockedValueBox<[String: [StatementText]]>([:])

    /// Creates an empty catalog.
    package init() {}

    /// Replaces `target`'s statements.
    package func update(target: String, statements: [StatementText]) {
        self.statements.withLockedValue { $0[target] = statements }
    }

    /// Forgets `target`'s statements (its collector failed: they are no longer current).
    package func clear(target: String) {
        statements.withLockedValue { $0[target] = nil }
    }

    /// The `/api/v1/statements` document: every target's statements (or only `target`'s),
    /// most execution time first.
    package func document(target: String?) -> String {
        let selected = statements.withLockedValue { current in
            current.filter { target == nil || $0.key == target }.flatMap { name, entries in entries.map { (name, $0) } }
        }
        let ordered = selected.sorted { ($0.1.execTimeSeconds, $1.0, $1.1.queryid) > ($1.1.execTimeSeconds, $0.0, $0.1.queryid) }
        return JSON.text(APISuccess(Statements(statements: ordered.map { $0.1.entry(target: $0.0) })))
    }

    /// The `data` of /api/v1/statements.
    private struct Statements: Encodable {
        var statements: [StatementText.Entry]
    }
}
