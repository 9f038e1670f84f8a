// How the agent connects: the user's DSN plus the safety settings pgvigil always applies.

/// The parameters of every connection to one target.
struct ConnectionSettings: Sendable {
    /// The target's connection string, passed to libpq unchanged.
    var connectionString: ConnectionString
    /// The database to connect to instead of the DSN's (for per-database collectors), if any.
    var database: String?
    /// Upper bound for every statement (`statement_timeout`) and for connecting (`connect_timeout`).
    var timeout: Duration
    /// Which databases per-database collectors visit.
    var databases: DatabaseSelection = .auto
    /// A regular expression of database names `auto` leaves out.
    var excludeDatabases: String?
    /// A PostgreSQL server, or a PgBouncer admin console (which takes no session settings).
    var kind: TargetKind = .postgresql
    /// Whether the connection's environment sets `PGCONNECT_TIMEOUT` (then libpq's value wins).
    var environmentSetsConnectTimeout: Bool

    /// How long each connect and each statement may wait before pgvigil gives up on its own.
    var clientDeadline: ClientDeadline { ClientDeadline(timeout: timeout) }

    /// The libpq keyword/value pairs: the DSN first (expanded), then pgvigil's additions, which
    /// never override what the DSN itself says.
    var libpqParameters: [(String, String)] {
        var parameters: [(String, String)] = [("dbname", connectionString.text)]
        parameters.append(("fallback_application_name", "pgvigil"))
        if connectionString.options["connect_timeout"] == nil, !environmentSetsConnectTimeout {
            parameters.append(("connect_timeout", String(max(2, Int(timeout.seconds.rounded(.up))))))
        }
        // The client deadline ends every call; these also let the kernel notice a server that
        // vanished from the network (no RST) on an idle connection within about a minute.
        let networkDefaults = [
            ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
            ("tcp_user_timeout", String(Int(timeout.seconds * 1000) + 5000)),
        ]
        for (keyword, value) in networkDefaults where connectionString.options[keyword] == nil {
            parameters.append((keyword, value))
        }
        if let database { parameters.append(("dbname", database)) }
        return parameters
    }

    /// The statement that makes a new session read-only and bounded, with its parameters; none
    /// for PgBouncer's admin console, which only answers SHOW commands.
    var sessionSetup: (sql: String, parameters: [String?])? {
        guard kind == .postgresql else { return nil }
        let milliseconds = String(Int(timeout.seconds * 1000))
        return ("""
            SELECT set_config('default_transaction_read_only', 'on', false),
                   set_config('statement_timeout', $1, false),
                   set_config('lock_timeout', $1, false),
                   set_config('idle_in_transaction_session_timeout', $1, false)
            """, [milliseconds])
    }
}
