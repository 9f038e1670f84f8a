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

    /// This statement as an entry of the /api/v1/statements document, for `target`.
    func entry(target: String) -> Entry {
        Entry(target: target, queryid: queryid, datname: datname, usename: usename, calls: calls, execTimeSeconds: execTimeSeconds, query: query)
    }

    /// A statement as /api/v1/statements shows it (snake case, as pg_stat_statements names its columns).
    struct Entry: Encodable {
        var target: String
        var queryid: String
        var datname: String
        var usename: String
        var calls: Double
        var execTimeSeconds: Double
        var query: String

        enum CodingKeys: String, CodingKey {
            case target, queryid, datname, usename, calls, query
            case execTimeSeconds = "exec_time_seconds"
        }
    }
}
