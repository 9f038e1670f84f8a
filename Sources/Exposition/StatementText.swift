// One reported statement with its query text: what /api/v1/statements serves (the text is never a label).
import Support

/// A statement of the statements collector's top N, with its normalised query text.
package struct StatementText: Sendable, Hashable {
    /// `pg_stat_statements.queryid`, as text.
    package var queryid: String
    /// The database it ran in.
    package var datname: String
    /// The role that ran it.
    package var usename: String
    /// Times it was executed.
    package var calls: Double
    /// Total execution time in seconds.
    package var execTimeSeconds: Double
    /// The normalised text (constants replaced by `$n`), cut at `StatementsCollector.maxQueryCharacters`,
    /// with password literals of utility statements masked.
    package var query: String

    /// Creates a value from its parts.
    package init(queryid: String, datname: String, usename: String, calls: Double, execTimeSeconds: Double, query: String) {
        self.queryid = queryid
        self.datname = datname
        self.usename = usename
        self.calls = calls
        self.execTimeSeconds = execTimeSeconds
        self.query = query
    }

    /// This statement as a JSON object of the /api/v1/statements document.
    package func json(target: String) -> String {
        "{" + [
            ("target", JSONText.string(target)), ("queryid", JSONText.string(queryid)), ("datname", JSONText.string(datname)),
            ("usename", JSONText.string(usename)), ("calls", PrometheusTextEncoder.formatValue(calls)),
            ("exec_time_seconds", PrometheusTextEncoder.formatValue(execTimeSeconds)), ("query", JSONText.string(query)),
        ].map { JSONText.string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
