// How the agent connects: the user's DSN plus the safety settings pgvigil always applies.
import Support

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The parameters of every connection to one target.
package struct ConnectionSettings: Sendable {
    /// The target's connection string, passed to libpq unchanged.
    package var connectionString: ConnectionString
    /// The database to connect to instead of the DSN's (for per-database collectors), if any.
    package var database: String?
    /// Upper bound for every statement on the server (`statement_timeout`, `lock_timeout`); with a
    /// margin, the client deadline of every connect and statement (`clientDeadline`).
    package var timeout: Duration
    /// Which databases per-database collectors visit.
    package var databases: DatabaseSelection = .auto
    /// A regular expression of database names `auto` leaves out.
    package var excludeDatabases: String?
    /// A PostgreSQL server, or a PgBouncer admin console (which takes no session settings).
    package var kind: TargetKind = .postgresql

    /// How long each connect and each statement may wait before pgvigil gives up on its own.
    var clientDeadline: ClientDeadline { ClientDeadline(timeout: timeout) }

    /// Creates a value from its parts.
    package init(
        connectionString: ConnectionString, database: String? = nil, timeout: Duration, databases: DatabaseSelection = .auto,
        excludeDatabases: String? = nil, kind: TargetKind = .postgresql
    ) {
        self.connectionString = connectionString
        self.database = database
        self.timeout = timeout
        self.databases = databases
        self.excludeDatabases = excludeDatabases
        self.kind = kind
    }

    /// The libpq keyword/value pairs: the DSN first (expanded), then pgvigil's additions, which
    /// never override what the DSN itself says; `environment` reads the process's variables.
    func libpqParameters(environment: (String) -> String? = Self.processEnvironment) -> [(String, String)] {
        var parameters: [(String, String)] = [("dbname", connectionString.text)]
        parameters.append(("fallback_application_name", "pgvigil"))
        // The client deadline ends every call; these also let the kernel notice a server that
        // vanished from the network (no RST) on an idle connection within about a minute.
        let networkDefaults = [
            ("keepalives_idle", "30"), ("keepalives_interval", "10"), ("keepalives_count", "3"),
            ("tcp_user_timeout", String(Int(timeout.seconds * 1000) + 5000)),
        ]
        for (keyword, value) in networkDefaults where connectionString.options[keyword] == nil {
            parameters.append((keyword, value))
        }
        if !Self.mayAskForGSSEncryption(connectionString.options, environment: environment) {
            parameters.append(("gssencmode", "disable"))
        }
        if let database { parameters.append(("dbname", database)) }
        return parameters
    }

    /// Whether GSSAPI encryption may be asked for: by the DSN's `gssencmode`, `PGGSSENCMODE`, a
    /// connection service file (`service=`, `PGSERVICE`), or a sign that Kerberos is in use (the
    /// DSN's `krbsrvname`, `PGKRBSRVNAME`, `KRB5CCNAME`, `KRB5_CLIENT_KTNAME`). Otherwise pgvigil
    /// sets `gssencmode=disable`, as postgres_exporter never tries GSSAPI encryption either:
    /// libpq's default (`prefer`) looks for a Kerberos ticket at every TCP connect, which loads
    /// Kerberos (seven libraries, 1.2 MiB resident) into every agent for a check that fails
    /// wherever no ticket exists. Kerberos authentication, which the server asks for, works either way.
    static func mayAskForGSSEncryption(_ options: [String: String], environment: (String) -> String?) -> Bool {
        options["gssencmode"] != nil || options["service"] != nil || options["krbsrvname"] != nil
            || ["PGGSSENCMODE", "PGSERVICE", "PGKRBSRVNAME", "KRB5CCNAME", "KRB5_CLIENT_KTNAME"].contains { environment($0) != nil }
    }

    /// The process's environment variable `name`.
    static func processEnvironment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The parameters of each connect attempt: one per host when the DSN names several (`host=a,b`
    /// or a URI with several hosts), each with that host's `host`, `hostaddr` and `port`, in the
    /// DSN's order (shuffled with `load_balance_hosts=random`). libpq's asynchronous connect never
    /// gives up on a host that does not answer, so pgvigil tries hosts one by one, each within the
    /// client deadline, to keep multi-host failover working. A DSN whose lists libpq cannot match
    /// up is tried as written, so libpq reports the mismatch.
    var connectAttempts: [[(String, String)]] {
        let base = libpqParameters()
        func list(_ keyword: String) -> [String] {
            connectionString.options[keyword].map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) } ?? []
        }
        let hosts = list("host"), addresses = list("hostaddr"), ports = list("port")
        let count = max(hosts.count, addresses.count)
        guard count > 1, hosts.isEmpty || hosts.count == count, addresses.isEmpty || addresses.count == count,
            ports.count <= 1 || ports.count == count
        else { return [base] }
        let attempts = (0..<count).map { index in
            base + (hosts.isEmpty ? [] : [("host", hosts[index])]) + (addresses.isEmpty ? [] : [("hostaddr", addresses[index])])
                + (ports.count > 1 ? [("port", ports[index])] : [])
        }
        return connectionString.options["load_balance_hosts"] == "random" ? attempts.shuffled() : attempts
    }

    /// The statement that makes a new session read-only and bounded, with its parameters; none
    /// for PgBouncer's admin console, which only answers SHOW commands. It also has the session
    /// plan each prepared statement once (`plan_cache_mode`, PostgreSQL 12 on): the collectors'
    /// statements take parameters, and with them the server kept planning at every execution,
    /// which was most of the agent's database time.
    var sessionSetup: (sql: String, parameters: [String?])? {
        guard kind == .postgresql else { return nil }
        let milliseconds = String(Int(timeout.seconds * 1000))
        return (
            """
            SELECT set_config('default_transaction_read_only', 'on', false),
                   set_config('statement_timeout', $1, false),
                   set_config('lock_timeout', $1, false),
                   set_config('idle_in_transaction_session_timeout', $1, false),
                   (SELECT set_config('plan_cache_mode', 'force_generic_plan', false)
                     WHERE current_setting('server_version_num')::int >= 120000)
            """, [milliseconds]
        )
    }
}
