// The statements collector's rows as the statement texts /api/v1/statements serves.
import Exposition
import Postgres

extension StatementText {
    /// The statements of the collector's rows (the summed "other" row has no queryid and is skipped).
    package static func entries(rows: [Row]) throws -> [StatementText] {
        try rows.compactMap { row in
            guard let queryid = try row.string("queryid") else { return nil }
            return StatementText(
                queryid: queryid, datname: try row.string("datname") ?? "", usename: try row.string("usename") ?? "",
                calls: try row.double("calls") ?? 0, execTimeSeconds: (try row.double("exec_time") ?? 0) / 1000,
                query: try row.string("query") ?? "")
        }
    }
}
