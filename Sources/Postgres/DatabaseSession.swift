// A lazily (re)connected, serialised session to one database, running libpq calls on its target's lane.
import NIOPosix

/// A session to one database of a target. It connects on first use, reconnects after a lost
/// connection, and runs one statement at a time on its target's lane (never on the concurrency
/// pool). Every call ends within the client deadline (`ConnectionSettings.clientDeadline`); one
/// that got no answer drops the connection, so a stuck server costs no pile-up of sessions.
///
/// Per-database collectors ask for `session(forDatabase:)`: child sessions with the same DSN and
/// another `dbname`, kept open and reused across cycles, on the same lane.
package actor DatabaseSession {
    private let settings: ConnectionSettings
    private let lane: TargetLane
    private var connection: PostgresConnection?
    private var children: [String: DatabaseSession] = [:]
    /// The discovery of the current sampling cycle, shared by the per-database collectors.
    private var discovery: (visit: [String], missing: [String])?
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Creates a session; nothing connects until the first query.
    package init(settings: ConnectionSettings, lane: TargetLane) {
        self.settings = settings
        self.lane = lane
    }

    /// Runs `sql` with text `parameters` and returns its rows. A lost connection is dropped, so
    /// the next call reconnects.
    package func query(_ sql: String, _ parameters: [String?] = []) async throws -> QueryResult {
        try await serialised {
            let connection = try await self.connectedHandle()
            do {
                return try await self.lane.threadPool.runIfActive { try connection.query(sql, parameters) }
            } catch let error as PostgresError where error.kind == .connection {
                self.connection = nil
                throw error
            }
        }
    }

    /// A child session on `database` of the same server, created once and reused.
    package func session(forDatabase database: String) -> DatabaseSession {
        if let child = children[database] { return child }
        var childSettings = settings
        childSettings.database = database
        let child = DatabaseSession(settings: childSettings, lane: lane)
        children[database] = child
        return child
    }

    /// The databases per-database collectors visit in this cycle: those selected among the
    /// discovery query's (every connectable non-template database), and the configured ones that
    /// were not found. The query runs once per cycle (see `startCycle`), not once per collector;
    /// child sessions of databases no longer visited close.
    package func databasesToVisit() async throws -> (visit: [String], missing: [String]) {
        if let discovery { return discovery }
        let rows = try await query(DatabaseSelection.discoveryQuery).rows
        let selection = settings.databases.select(from: try rows.compactMap { try $0.string("datname") }, excluding: settings.excludeDatabases)
        await retainChildren(Set(selection.visit))
        let fresh = (selection.visit, selection.missing)
        discovery = fresh
        return fresh
    }

    /// Starts a sampling cycle: the next `databasesToVisit` discovers databases anew, so one that
    /// appeared or was dropped is seen within one cycle.
    package func startCycle() {
        discovery = nil
    }

    /// Runs `body` on a child session of each of `databases`. A lost child connection (its
    /// backend terminated, as `DROP DATABASE … WITH (FORCE)` does before it drops) is retried once
    /// on a fresh connection; a database dropped since this cycle's discovery is skipped; any
    /// other failure fails the collector (an error that names the database), never the target: a
    /// lost child connection says nothing about the server, whose health the sampler checks on
    /// the main session. A child that got no answer within the client deadline is neither retried
    /// nor checked on the main session: each would wait that long again on a stuck server.
    package func forEachDatabase<T: Sendable>(
        _ databases: [String], _ body: (DatabaseSession) async throws -> T
    ) async throws -> [(database: String, result: T)] {
        var results: [(database: String, result: T)] = []
        for database in databases {
            do {
                let child = session(forDatabase: database)
                do {
                    results.append((database, try await body(child)))
                } catch let error as PostgresError where error.kind == .connection && !error.isNoAnswer {
                    results.append((database, try await body(child)))
                }
            } catch let error as PostgresError {
                if error.isNoAnswer { throw PostgresError(kind: .query, message: "database \"\(database)\": \(error.message)", isNoAnswer: true) }
                let stillThere = try await query(
                    "SELECT 1 FROM pg_database WHERE datname = $1 AND datallowconn AND NOT datistemplate", [database]
                ).rows
                if stillThere.isEmpty { continue }
                throw PostgresError(kind: .query, message: "database \"\(database)\": \(error.message)", sqlState: error.sqlState)
            }
        }
        return results
    }

    /// Closes child sessions of databases not in `databases` (dropped, or no longer visited).
    func retainChildren(_ databases: Set<String>) async {
        let gone = children.filter { !databases.contains($0.key) }
        children = children.filter { databases.contains($0.key) }
        for child in gone.values { await child.close() }
    }

    /// The server processes of this session and its child sessions that are connected now: the
    /// agent's own entries in `pg_stat_activity`.
    package func backendPIDs() async -> [Int32] {
        var pids = connection.map { [$0.backendPID] } ?? []
        for child in children.values { pids += await child.backendPIDs() }
        return pids
    }

    /// Closes this session and its children; the next query reconnects.
    package func close() async {
        connection = nil
        let all = children.values
        children = [:]
        for child in all { await child.close() }
    }

    private func connectedHandle() async throws -> PostgresConnection {
        if let connection, connection.isHealthy { return connection }
        connection = nil
        let settings = self.settings
        let canceller = lane.canceller
        let fresh = try await lane.threadPool.runIfActive { () throws -> PostgresConnection in
            let connection = try PostgresConnection.connect(
                trying: settings.connectAttempts, dsn: settings.connectionString.text, deadline: settings.clientDeadline, canceller: canceller,
                preparing: settings.kind == .postgresql)
            if let setup = settings.sessionSetup { _ = try connection.query(setup.sql, setup.parameters) }
            return connection
        }
        connection = fresh
        return fresh
    }

    /// Runs `body` after every earlier call has finished: the actor may interleave at awaits,
    /// but a libpq connection must serve one statement at a time.
    private func serialised<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        while busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        return try await body()
    }
}
