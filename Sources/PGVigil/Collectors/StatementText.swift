// One reported statement with its query text: what /api/v1/statements serves (the text is never a label).

/// A statement of the statements collector's top N, with its normalised query text.
struct StatementText: Sendable, Hashable {
    /// `pg_stat_statements.queryid`, as text.
    var queryid: String
    /// The database it ran in.
    var datname: String
    /// The role that ran it.
    var usename: String
    /// Times it was executed.
    var calls: Double
    /// Total execution time in seconds.
    var execTimeSeconds: Double
    /// The normalised text (constants replaced by `$n`), cut at `StatementsCollector.maxQueryCharacters`,
    /// with password literals of utility statements masked.
    var query: String

    /// The statements of the collector's rows (the summed "other" row has no queryid and is skipped).
    static func entries(rows: [Row]) throws -> [StatementText] {
        try rows.compactMap { row in
            guard let queryid = try row.string("queryid") else { return nil }
            return StatementText(
                queryid: queryid, datname: try row.string("datname") ?? "", usename: try row.string("usename") ?? "",
                calls: try row.double("calls") ?? 0, execTimeSeconds: (try row.double("exec_time") ?? 0) / 1000,
                query: try row.string("query") ?? "")
        }
    }

    /// This statement as a JSON object of the /api/v1/statements document.
    func json(target: String) -> String {
        "{" + [
            ("target", JSONText.string(target)), ("queryid", JSONText.string(queryid)), ("datname", JSONText.string(datname)),
            ("usename", JSONText.string(usename)), ("calls", PrometheusTextEncoder.formatValue(calls)),
            ("exec_time_seconds", PrometheusTextEncoder.formatValue(execTimeSeconds)), ("query", JSONText.string(query)),
        ].map { JSONText.string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}
