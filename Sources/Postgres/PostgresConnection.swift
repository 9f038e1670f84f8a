// One libpq connection: connect and query through libpq's asynchronous API, each call bounded by a client-side deadline.
import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libpq connection handle. Every method blocks its thread, but never past the client deadline:
/// connects and queries go through libpq's asynchronous API and wait on the socket with `poll()`.
/// A call that gets no answer in time cancels its query (off this thread, see `QueryCanceller`),
/// drops the connection and throws `ClientDeadline.noAnswerError`. Call them only from a thread
/// pool (a `TargetLane`), never from the concurrency pool.
///
/// `@unchecked Sendable`: libpq allows a connection to move between threads as long as it is used
/// by one thread at a time. The only owner, `DatabaseSession` (an actor), runs one call at a time
/// through its serial gate and never touches the handle concurrently.
final class PostgresConnection: @unchecked Sendable {
    /// The libpq handle; nil once the connection was dropped after a missed deadline.
    private var handle: OpaquePointer?
    /// The connection string, kept only to scrub its password from error messages.
    private let dsn: String
    /// How long each call may wait for the server.
    private let deadline: ClientDeadline
    /// Cancels a query that missed its deadline.
    private let canceller: QueryCanceller
    /// The server process serving this connection (`pg_stat_activity.pid`), fixed once connected.
    let backendPID: Int32
    /// Whether statements are prepared once and then executed by name (see `query`); false for
    /// a PgBouncer admin console, which knows only the simple protocol, and once the server lost
    /// a statement this connection prepared (a pooler in transaction mode).
    private var preparesStatements: Bool
    /// The statements prepared on this connection: SQL text → statement name.
    private var prepared: [String: String] = [:]

    /// Connects with libpq keyword/value pairs; `expand_dbname` makes the first `dbname` a full
    /// conninfo string or URI, and later pairs override what it sets. The whole connect (every
    /// host the parameters name) must finish within `deadline`; `connect(trying:)` gives each host
    /// a deadline of its own. With `preparing`, statements are prepared (see `query`). The
    /// defaults (a 31 s deadline, a canceller of its own, nothing prepared) suit one-off
    /// connections such as the tests' admin sessions.
    package init(
        parameters: [(String, String)], dsn: String, deadline: ClientDeadline = ClientDeadline(timeout: .seconds(30)),
        canceller: QueryCanceller = QueryCanceller(), preparing: Bool = false
    ) throws(PostgresError) {
        self.dsn = dsn
        preparesStatements = preparing
        self.deadline = deadline
        self.canceller = canceller
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
        let expiry = deadline.expiry(from: .now)
        // libpq resolves host names with blocking lookups (the first one inside this call): the
        // one step the deadline cannot bound.
        guard let connection = PQconnectStartParams(keywordPointers, valuePointers, 1) else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        var polling = PGRES_POLLING_WRITING
        while polling != PGRES_POLLING_OK {
            guard PQstatus(connection) != CONNECTION_BAD, polling == PGRES_POLLING_READING || polling == PGRES_POLLING_WRITING else {
                let message = Self.lastError(of: connection, dsn: dsn)
                PQfinish(connection)
                throw PostgresError(kind: .connection, message: message)
            }
            let events = polling == PGRES_POLLING_READING ? Int16(POLLIN) : Int16(POLLOUT)
            guard Self.wait(on: PQsocket(connection), for: events, until: expiry) else {
                PQfinish(connection)
                throw deadline.noAnswerError
            }
            polling = PQconnectPoll(connection)
        }
        // Sends never block either: a full socket buffer is waited on like a slow answer.
        guard PQsetnonblocking(connection, 1) == 0 else {
            let message = Self.lastError(of: connection, dsn: dsn)
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message)
        }
        self.handle = connection
        self.backendPID = PQbackendPID(connection)
    }

    /// Connects with the first of `attempts` (libpq parameters, one set per host) that succeeds,
    /// each within `deadline`. Throws `ClientDeadline.noAnswerError` when no host answered at all,
    /// and otherwise every host's reason.
    package static func connect(
        trying attempts: [[(String, String)]], dsn: String, deadline: ClientDeadline,
        canceller: QueryCanceller, preparing: Bool
    ) throws(PostgresError) -> PostgresConnection {
        var failures: [PostgresError] = []
        for parameters in attempts {
            do {
                return try PostgresConnection(parameters: parameters, dsn: dsn, deadline: deadline, canceller: canceller, preparing: preparing)
            } catch {
                failures.append(error)
            }
        }
        guard failures.contains(where: { !$0.isNoAnswer }) else { throw deadline.noAnswerError }
        throw PostgresError(kind: .connection, message: failures.map(\.message).joined(separator: "; "))
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Whether the connection is still usable.
    var isHealthy: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Runs one statement with text parameters (`$1`, `$2`, … ; nil is NULL) and returns its rows.
    ///
    /// A connection that prepares statements prepares each SQL text once and then executes it by
    /// name: the server plans a statement without parameters once, not at every cycle (planning
    /// was most of the agent's database time). When the server no longer knows a statement
    /// (SQLSTATE 26000: a pooler in transaction mode, or a `DEALLOCATE ALL`), the connection stops
    /// preparing and runs the statement again unprepared.
    package func query(_ sql: String, _ parameters: [String?]) throws(PostgresError) -> QueryResult {
        guard let handle else { throw deadline.noAnswerError }
        let expiry = deadline.expiry(from: .now)
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) }
        guard preparesStatements else {
            // Without parameters, the simple protocol: PgBouncer's admin console knows no other.
            let sent =
                pointers.isEmpty ? PQsendQuery(handle, sql) : PQsendQueryParams(handle, sql, Int32(pointers.count), nil, pointers, nil, nil, 0)
            return try rows(sent: sent, handle, until: expiry)
        }
        let name: String
        if let known = prepared[sql] {
            name = known
        } else {
            name = "pgvigil_\(prepared.count + 1)"
            _ = try rows(sent: PQsendPrepare(handle, name, sql, Int32(pointers.count), nil), handle, until: expiry)
            prepared[sql] = name
        }
        do {
            return try rows(sent: PQsendQueryPrepared(handle, name, Int32(pointers.count), pointers, nil, nil, 0), handle, until: expiry)
        } catch  where error.sqlState == "26000" && self.handle != nil {
            preparesStatements = false
            prepared = [:]
            return try query(sql, parameters)
        }
    }

    /// Waits for the answer to what was just sent (`sent` is libpq's 1 when it was) and returns
    /// its rows, or throws the server's error.
    private func rows(sent: Int32, _ handle: OpaquePointer, until expiry: ContinuousClock.Instant) throws(PostgresError) -> QueryResult {
        guard sent == 1 else { throw lostConnection(handle) }
        try flush(handle, until: expiry)
        let result = try awaitResult(handle, until: expiry)
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

    /// Sends what libpq buffered for the server, reading whatever the server sends meanwhile
    /// (as libpq asks, so that neither side waits on a full buffer).
    private func flush(_ handle: OpaquePointer, until expiry: ContinuousClock.Instant) throws(PostgresError) {
        while true {
            switch PQflush(handle) {
            case 0: return
            case 1: break
            default: throw lostConnection(handle)
            }
            guard Self.wait(on: PQsocket(handle), for: Int16(POLLIN) | Int16(POLLOUT), until: expiry) else { throw abandon(handle) }
            guard PQconsumeInput(handle) == 1 else { throw lostConnection(handle) }
        }
    }

    /// Reads every result of the statement; returns its first error, or else its last result.
    private func awaitResult(_ handle: OpaquePointer, until expiry: ContinuousClock.Instant) throws(PostgresError) -> OpaquePointer {
        var kept: OpaquePointer?
        var keptIsError = false
        while true {
            while PQisBusy(handle) == 1 {
                guard Self.wait(on: PQsocket(handle), for: Int16(POLLIN), until: expiry) else {
                    PQclear(kept)
                    throw abandon(handle)
                }
                guard PQconsumeInput(handle) == 1 else {
                    PQclear(kept)
                    throw lostConnection(handle)
                }
            }
            guard let result = PQgetResult(handle) else { break }
            if keptIsError {
                PQclear(result)
                continue
            }
            PQclear(kept)
            kept = result
            let status = PQresultStatus(result)
            keptIsError = status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY
        }
        guard let kept else { throw lostConnection(handle) }
        return kept
    }

    /// Gives up on a call that missed its deadline: cancels its query off this thread, drops
    /// the connection, and returns the error to throw.
    private func abandon(_ handle: OpaquePointer) -> PostgresError {
        if let cancel = PQgetCancel(handle) { canceller.send(cancel) }
        PQfinish(handle)
        self.handle = nil
        return deadline.noAnswerError
    }

    /// The error of a connection libpq found broken (or a call it refused).
    private func lostConnection(_ handle: OpaquePointer) -> PostgresError {
        PostgresError(kind: isHealthy ? .query : .connection, message: Self.lastError(of: handle, dsn: dsn))
    }

    /// Waits until `socket` is ready for `events`; false when `expiry` passed first. An invalid
    /// socket or a failing `poll()` counts as ready: the next libpq call then reports the error.
    private static func wait(on socket: Int32, for events: Int16, until expiry: ContinuousClock.Instant) -> Bool {
        guard socket >= 0 else { return true }
        while true {
            let milliseconds = ClientDeadline.pollMilliseconds(from: .now, until: expiry)
            guard milliseconds > 0 else { return false }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0, errno != EINTR { return true }
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
