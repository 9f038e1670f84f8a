// What a target is: a PostgreSQL server, or a PgBouncer's admin console.

/// The kind of server a target points at.
package enum TargetKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A PostgreSQL server (the default).
    case postgresql
    /// A PgBouncer admin console (DSN with `dbname=pgbouncer`, a user in `stats_users`).
    case pgbouncer
}
