// What the agent knows about the server it samples: version, role, limits.

/// Facts about a server, read at the start of each sampling cycle.
package struct ServerInfo: Sendable, Hashable {
    /// `server_version_num`, e.g. 150018 for 15.18.
    package var versionNumber: Int
    /// `server_version`, e.g. `15.18 (Debian 15.18-0+deb12u1)`.
    package var version: String
    /// Whether the server is a standby (`pg_is_in_recovery()`).
    package var isInRecovery: Bool

    /// Whether this is a PgBouncer rather than a PostgreSQL server.
    package var isPgBouncer = false

    /// The major version, e.g. 15.
    var majorVersion: Int { versionNumber / 10000 }

    /// The query that reads these facts; it doubles as the liveness check behind `pg_up`.
    package static let query = """
        SELECT current_setting('server_version_num') AS version_num,
               current_setting('server_version') AS version,
               pg_is_in_recovery() AS in_recovery
        """

    /// The liveness check of a PgBouncer admin console.
    package static let pgBouncerQuery = "SHOW VERSION"

    /// Decodes the row of `pgBouncerQuery` (`PgBouncer 1.18.0`).
    package static func pgBouncer(row: Row) throws -> ServerInfo {
        var info = ServerInfo(versionNumber: 0, version: try row.string("version") ?? "PgBouncer", isInRecovery: false)
        info.isPgBouncer = true
        return info
    }

    /// Decodes the row of `query`.
    package init(row: Row) throws {
        guard let number = try row.int("version_num"), let version = try row.string("version"),
            let inRecovery = try row.bool("in_recovery")
        else {
            throw PostgresError(kind: .decoding, message: "the server info query returned NULL")
        }
        self.init(versionNumber: number, version: version, isInRecovery: inRecovery)
    }

    /// Creates server facts directly.
    package init(versionNumber: Int, version: String, isInRecovery: Bool) {
        self.versionNumber = versionNumber
        self.version = version
        self.isInRecovery = isInRecovery
    }
}
