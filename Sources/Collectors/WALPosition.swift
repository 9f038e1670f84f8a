// The server's current WAL position as SQL: one definition for the WAL and replication collectors.

/// The SQL expression of a server's current WAL position.
enum WALPosition {
    /// Written on a primary (`pg_current_wal_lsn()`), replayed on a standby (`pg_last_wal_replay_lsn()`),
    /// which cannot call the former during recovery.
    static func current(inRecovery: Bool) -> String {
        inRecovery ? "pg_last_wal_replay_lsn()" : "pg_current_wal_lsn()"
    }
}
