// One libpq connection: blocking connect and query calls, run by DatabaseSession on a thread pool.
import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libpq connection handle. Every method blocks; call them only from a thread pool.
///
/// `@unchecked Sendable`: libpq allows a connection to move between threads as long as it is used
/// by one thread at a time. The only owner, `DatabaseSession` (an actor), runs one call at a time
/// through its serial gate and never touches the handle concurrently.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    /// The connection string, kept only to scrub its password from error messages.
    private let dsn: String

    /// Connects with libpq keyword/value pairs; `expand_dbname` makes the first `dbname` a full
    /// conninfo string or URI, and later pairs override what it sets.
    init(parameters: [(String, String)], dsn: String) throws(PostgresError) {
        self.dsn = dsn
        let keywords = parameters.map { strdup($0.0) } 
        let values = parameters.map { strdup($0.1) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        var keywordPointers = keywords.map { UnsafePointer<CChar>($0) }
        keywordPointers.append(nil)
        var valuePointers = values.map { UnsafePointer<CChar>($0) }
        valuePointers.append(nil)
        guard let connection = PQconnectdbParams(keywordPointers, valuePointers, 1) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.lastError(of: connection, dsn: dsn)
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message)
        }
        self.handle = connection
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection is still usable.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one statement with text parameters (`$1`, `$2`, … ; nil is NULL) and returns its rows.
    func query(_ sql: String, _ parameters: [String?]) throws(PostgresError) -> QueryResult {
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) }
        // Without parameters, the simple protocol: PgBouncer's admin console knows no other.
        let sent = pointers.isEmpty ? PQexec(handle, sql) : PQexecParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
        guard let result = sent else {
            throw PostgresError(kind: .connection, message: Self.lastError(of: handle, dsn: dsn))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK:
            return Self.rows(of: result)
        default:
            let message = String(cString: PQresultErrorMessage(result)).trimmingSuffix { $0 == "\n" }
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw PostgresError(
                kind: isHealthy ? .query : .connection,
                message: ConnectionString.scrub(message.isEmpty ? Self.lastError(of: handle, dsn: dsn) : message, secretsOf: dsn),
                sqlState: sqlState)
        }
    }

    private static func rows(of result: OpaquePointer) -> QueryResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [Row] = []
        rows.reserveCapacity(Int(rowCount))
        for rowIndex in 0..<rowCount {
            let values: [String?] = (0..<columnCount).map { column in
                PQgetisnull(result, rowIndex, column) == 1 ? nil : String(cString: PQgetvalue(result, rowIndex, column))
            }
            rows.append(Row(columns: columns, values: values))
        }
        return QueryResult(rows: rows)
    }

    private static func lastError(of connection: OpaquePointer, dsn: String) -> String {
        let message = String(cString: PQerrorMessage(connection)).trimmingSuffix { $0 == "\n" || $0 == " " }
        return ConnectionString.scrub(message.isEmpty ? "unknown libpq error" : message, secretsOf: dsn)
    }
}
