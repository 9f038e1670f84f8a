// What `pgvigil doctor` reads from a PostgreSQL server about its own role and the server's settings.
import Postgres

/// The facts the doctor's checks judge, read in one statement as the monitoring role sees them.
package struct ServerSetup: Sendable {
    /// The role, quoted as an identifier for the fixes.
    package var role: String
    package var isSuperuser: Bool
    /// Role attributes monitoring needs none of: CREATEROLE, CREATEDB, REPLICATION, BYPASSRLS (those set).
    package var extraAttributes: [String]
    /// Whether the role is a member of `pg_monitor`.
    package var hasPgMonitor: Bool
    /// Roles granted directly besides `pg_monitor` and the roles it holds, sorted.
    package var extraRoles: [String]
    /// `shared_preload_libraries`, split.
    package var preloadLibraries: [String]
    /// Whether `pg_stat_statements` is created in the database the DSN connects to.
    package var statementsCreated: Bool
    package var trackIOTiming: Bool
    /// `track_activity_query_size` in bytes.
    package var trackActivityQuerySize: Int
    /// `compute_query_id` (nil before PostgreSQL 14).
    package var computeQueryID: String?
    /// `log_min_duration_statement` in milliseconds (-1: off).
    package var logMinDurationStatement: Int
    package var logLockWaits: Bool
    /// Replication slots nobody streams from, with the WAL each holds back and whether it was
    /// invalidated (its WAL removed: its consumer can never resume).
    package var inactiveSlots: [(name: String, retainedBytes: Double, lost: Bool)]
    /// Per schema (of the database the DSN connects to), the sequences the role may not read
    /// (no SELECT or USAGE): the sequences collector cannot watch them run out. Sorted by schema.
    package var unreadableSequences: [(schema: String, count: Int)]

    /// The roles `pg_monitor` holds: granting them too adds nothing.
    static let monitoringRoles: Set<String> = ["pg_monitor", "pg_read_all_settings", "pg_read_all_stats", "pg_stat_scan_tables"]

    /// The role's attributes and memberships, and the settings, in one row.
    static let query = """
        SELECT quote_ident(r.rolname) AS role, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,
               pg_has_role(r.oid, 'pg_monitor', 'MEMBER') AS has_pg_monitor,
               (SELECT string_agg(DISTINCT quote_ident(g.rolname), ',' ORDER BY quote_ident(g.rolname))
                FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                WHERE m.member = r.oid AND g.rolname <> ALL($1::text[])) AS extra_roles,
               current_setting('shared_preload_libraries') AS preload,
               EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS statements_created,
               current_setting('track_io_timing')::bool AS track_io_timing,
               (SELECT setting::int FROM pg_settings WHERE name = 'track_activity_query_size') AS track_activity_query_size,
               current_setting('compute_query_id', true) AS compute_query_id,
               (SELECT setting::int FROM pg_settings WHERE name = 'log_min_duration_statement') AS log_min_duration_statement,
               current_setting('log_lock_waits')::bool AS log_lock_waits
        FROM pg_roles r WHERE r.rolname = current_user
        """

    /// Inactive slots, the WAL they retain (from the replay position on a standby) and whether
    /// their WAL is gone (`wal_status = 'lost'`: invalidated). Failover slots a standby keeps in
    /// sync (17+: `synced`) are inactive by design and left out; the column is read through
    /// `to_jsonb` so one statement serves every version.
    static let slotsQuery = """
        SELECT s.slot_name, s.wal_status = 'lost' AS lost,
               coalesce(pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,
                                        s.restart_lsn), 0)::float8 AS retained
        FROM pg_replication_slots s
        WHERE NOT s.active AND NOT coalesce((to_jsonb(s) ->> 'synced')::bool, false)
        ORDER BY s.slot_name
        """

    /// The sequences the role may not read, counted per schema; as the sequences collector sees them.
    static let sequencesQuery = """
        SELECT quote_ident(n.nspname) AS schemaname, count(*)::int AS unreadable
        FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT s.seqcycle AND NOT pg_is_other_temp_schema(n.oid)
            -- Guarded: the planner may call it on other relations, for which it raises an error.
            AND NOT CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(c.oid, 'SELECT,USAGE') END
        GROUP BY n.nspname ORDER BY n.nspname
        """

    /// Reads the facts through `session`.
    package static func read(_ session: DatabaseSession) async throws -> ServerSetup {
        let monitoring = "{" + monitoringRoles.sorted().joined(separator: ",") + "}"
        guard let row = try await session.query(query, [monitoring]).rows.first else {
            throw PostgresError(kind: .decoding, message: "the role of the session is not in pg_roles")
        }
        let slots = try await session.query(slotsQuery).rows
        let sequences = try await session.query(sequencesQuery).rows
        return try ServerSetup(row: row, slotRows: slots, sequenceRows: sequences)
    }

    /// Decodes the rows of `query`, `slotsQuery` and `sequencesQuery`.
    package init(row: Row, slotRows: [Row], sequenceRows: [Row] = []) throws {
        role = try row.string("role") ?? ""
        isSuperuser = try row.bool("rolsuper") ?? false
        let attributes: [(column: String, name: String)] = [
            ("rolcreaterole", "CREATEROLE"), ("rolcreatedb", "CREATEDB"), ("rolreplication", "REPLICATION"), ("rolbypassrls", "BYPASSRLS"),
        ]
        extraAttributes = try attributes.filter { try row.bool($0.column) == true }.map(\.name)
        hasPgMonitor = try row.bool("has_pg_monitor") ?? false
        extraRoles = (try row.string("extra_roles")).map { $0.split(separator: ",").map(String.init) } ?? []
        preloadLibraries = (try row.string("preload") ?? "").split(separator: ",").map { String($0.filter { !$0.isWhitespace && $0 != "\"" }) }
        statementsCreated = try row.bool("statements_created") ?? false
        trackIOTiming = try row.bool("track_io_timing") ?? false
        trackActivityQuerySize = try row.int("track_activity_query_size") ?? 0
        computeQueryID = try row.string("compute_query_id")
        logMinDurationStatement = try row.int("log_min_duration_statement") ?? -1
        logLockWaits = try row.bool("log_lock_waits") ?? false
        inactiveSlots = try slotRows.map { (try $0.string("slot_name") ?? "", try $0.double("retained") ?? 0, try $0.bool("lost") ?? false) }
        unreadableSequences = try sequenceRows.map { (try $0.string("schemaname") ?? "", try $0.int("unreadable") ?? 0) }
    }
}
