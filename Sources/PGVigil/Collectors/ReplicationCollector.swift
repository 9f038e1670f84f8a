// Replication lag on both sides: a standby's replay delay, a primary's standbys, and slots' retained WAL.

/// Reports replication lag as a standby sees it (`pg_last_wal_*`), as a primary sees its standbys
/// (`pg_stat_replication`), and the WAL each replication slot holds back.
struct ReplicationCollector: Collector {
    let name = "replication"
    let defaultInterval: Duration? = nil
    let minimumServerVersion = 130000

    /// Standby side. Seconds are 0 when everything received is replayed: on an idle primary,
    /// "now − last replayed commit" grows without any real lag.
    static let standbyQuery = """
        SELECT GREATEST(0, pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()))::float8 AS lag_bytes,
               CASE WHEN pg_last_wal_receive_lsn() IS NOT NULL
                         AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
                    ELSE GREATEST(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))
               END::float8 AS lag_seconds
        """

    /// Primary side (also a cascading standby's own standbys): per standby, bytes behind and lag times.
    static func standbysQuery(inRecovery: Bool) -> String {
        """
        SELECT coalesce(application_name, '') AS application_name, coalesce(host(client_addr), '') AS client_addr,
               coalesce(state, '') AS state,
               GREATEST(0, pg_wal_lsn_diff(\(currentLSN(inRecovery: inRecovery)), replay_lsn))::float8 AS lag_bytes,
               extract(epoch FROM write_lag)::float8 AS write_lag,
               extract(epoch FROM flush_lag)::float8 AS flush_lag,
               extract(epoch FROM replay_lag)::float8 AS replay_lag
        FROM pg_stat_replication
        """
    }

    /// Replication slots and the WAL each one retains.
    static func slotsQuery(inRecovery: Bool) -> String {
        """
        SELECT slot_name, slot_type, active,
               GREATEST(0, pg_wal_lsn_diff(\(currentLSN(inRecovery: inRecovery)), restart_lsn))::float8 AS retained_bytes
        FROM pg_replication_slots
        """
    }

    /// The server's current WAL position: written on a primary, replayed on a standby.
    private static func currentLSN(inRecovery: Bool) -> String {
        inRecovery ? "pg_last_wal_replay_lsn()" : "pg_current_wal_lsn()"
    }

    func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let standby = server.isInRecovery ? try await session.query(Self.standbyQuery).rows : []
        let standbys = try await session.query(Self.standbysQuery(inRecovery: server.isInRecovery)).rows
        let slots = try await session.query(Self.slotsQuery(inRecovery: server.isInRecovery)).rows
        return try Self.families(standbyRows: standby, standbysRows: standbys, slotRows: slots)
    }

    /// Turns the rows of the three queries into families; undefined values are omitted.
    static func families(standbyRows: [Row], standbysRows: [Row], slotRows: [Row]) throws -> [MetricFamily] {
        var lagSeconds = MetricFamily(
            name: "pg_replication_lag_seconds", help: "Standby: how far replay is behind, in seconds (0 when all received WAL is replayed).",
            type: .gauge)
        var lagBytes = MetricFamily(
            name: "pg_replication_lag_bytes", help: "Standby: WAL received but not yet replayed, in bytes.", type: .gauge)
        for row in standbyRows {
            if let seconds = try row.double("lag_seconds") { lagSeconds.samples.append(Sample(value: seconds)) }
            if let bytes = try row.double("lag_bytes") { lagBytes.samples.append(Sample(value: bytes)) }
        }

        var standbyBytes = MetricFamily(
            name: "pg_stat_replication_lag_bytes", help: "Primary: current WAL position minus the standby's replay position, in bytes.",
            type: .gauge)
        var lagTimes = [
            ("write_lag", MetricFamily(name: "pg_stat_replication_write_lag_seconds", help: "Primary: the standby's write lag.", type: .gauge)),
            ("flush_lag", MetricFamily(name: "pg_stat_replication_flush_lag_seconds", help: "Primary: the standby's flush lag.", type: .gauge)),
            ("replay_lag", MetricFamily(name: "pg_stat_replication_replay_lag_seconds", help: "Primary: the standby's replay lag.", type: .gauge)),
        ]
        for row in standbysRows {
            let labels = [
                Label("application_name", try row.string("application_name") ?? ""),
                Label("client_addr", try row.string("client_addr") ?? ""),
                Label("state", try row.string("state") ?? ""),
            ]
            let bytes = try row.double("lag_bytes")
            if let bytes { standbyBytes.samples.append(Sample(labels: labels, value: bytes)) }
            for index in lagTimes.indices {
                // PostgreSQL clears the lag times once a standby has caught up and is idle: then it is 0.
                if let seconds = try row.double(lagTimes[index].0) ?? (bytes == 0 ? 0 : nil) {
                    lagTimes[index].1.samples.append(Sample(labels: labels, value: seconds))
                }
            }
        }

        var retained = MetricFamily(
            name: "pg_replication_slot_retained_bytes", help: "WAL held back by a replication slot, in bytes.", type: .gauge)
        for row in slotRows {
            guard let bytes = try row.double("retained_bytes") else { continue }
            retained.samples.append(Sample(labels: [
                Label("slot_name", try row.string("slot_name") ?? ""),
                Label("slot_type", try row.string("slot_type") ?? ""),
                Label("active", (try row.bool("active") ?? false) ? "true" : "false"),
            ], value: bytes))
        }
        return [lagSeconds, lagBytes, standbyBytes] + lagTimes.map(\.1) + [retained]
    }
}
