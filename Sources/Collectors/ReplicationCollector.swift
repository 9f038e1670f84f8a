// Replication lag on both sides: a standby's replay delay, a primary's standbys, and slots' retained WAL.
import Postgres
import Store

/// Reports replication lag as a standby sees it (`pg_last_wal_*`), as a primary sees its standbys
/// (`pg_stat_replication`), and the WAL each replication slot holds back.
///
/// A standby's lag in seconds is derived, not read: 0 when everything received is replayed; else
/// the smaller of the last replayed commit's age and the time since the standby had received no
/// more than it has replayed now (from the history of received positions). The first alone
/// lies after an idle period: the first write after an hour of quiet would read as an hour of
/// lag until replayed. The second bounds that by one sampling interval.
///
/// For each slot it also derives, from the history, the retained WAL's growth per second (a
/// least-squares trend over `window`, `LinearTrend`) and, when `max_slot_wal_keep_size` is set
/// (the settings collector's series), the seconds until the slot reaches it and is invalidated;
/// with a configured `budget` (bytes), the seconds until the slot holds that much.
struct ReplicationCollector: Collector {
    package let name = "replication"
    let defaultInterval: Duration? = nil
    package let minimumServerVersion = 130000
    /// How far back the slots' trends are fitted (at most the history kept).
    package let window: Duration
    /// The retained WAL, in bytes, a slot should stay under (the disk a team set aside for it); nil: none.
    package let budget: Double?

    /// Creates the collector with the slots' trend window (default 1 hour) and byte budget (default none).
    package init(window: Duration = .seconds(3600), budget: Double? = nil) {
        self.window = window
        self.budget = budget
    }

    /// Standby side: bytes received but not replayed, the received position, and the age of the
    /// last replayed commit (the classic "lag", which grows on an idle primary).
    static let standbyQuery = """
        SELECT GREATEST(0, pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()))::float8 AS lag_bytes,
               pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::float8 AS receive_lsn,
               GREATEST(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::float8 AS replay_age
        """

    /// The standby's received WAL position, kept in its history to bound the lag.
    static let receiveLSNName = "pg_replication_receive_lsn_bytes"
    /// The standby's not-yet-replayed bytes.
    static let lagBytesName = "pg_replication_lag_bytes"
    /// The age of the standby's last replayed commit.
    static let replayAgeName = "pg_replication_last_replay_age_seconds"

    /// Primary side (also a cascading standby's own standbys): per standby, bytes behind and lag times.
    static func standbysQuery(inRecovery: Bool) -> String {
        """
        SELECT coalesce(application_name, '') AS application_name, coalesce(host(client_addr), '') AS client_addr,
               coalesce(state, '') AS state,
               GREATEST(0, pg_wal_lsn_diff(\(WALPosition.current(inRecovery: inRecovery)), replay_lsn))::float8 AS lag_bytes,
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
               GREATEST(0, pg_wal_lsn_diff(\(WALPosition.current(inRecovery: inRecovery)), restart_lsn))::float8 AS retained_bytes
        FROM pg_replication_slots
        """
    }

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let standby = server.isInRecovery ? try await session.query(Self.standbyQuery).rows : []
        let standbys = try await session.query(Self.standbysQuery(inRecovery: server.isInRecovery)).rows
        let slots = try await session.query(Self.slotsQuery(inRecovery: server.isInRecovery)).rows
        return try Self.families(standbyRows: standby, standbysRows: standbys, slotRows: slots)
    }

    /// Turns the rows of the three queries into families; undefined values are omitted.
    package static func families(standbyRows: [Row], standbysRows: [Row], slotRows: [Row]) throws -> [MetricFamily] {
        var lagBytes = MetricFamily(name: lagBytesName, help: "Standby: WAL received but not yet replayed, in bytes.", type: .gauge)
        var receiveLSN = MetricFamily(
            name: receiveLSNName, help: "Standby: the WAL position received from the primary, in bytes since 0/0.", type: .gauge)
        var replayAge = MetricFamily(
            name: replayAgeName,
            help: "Standby: seconds since the last replayed transaction committed on the primary (grows while the primary is idle).",
            type: .gauge)
        for row in standbyRows {
            if let bytes = try row.double("lag_bytes") { lagBytes.samples.append(Sample(value: bytes)) }
            if let position = try row.double("receive_lsn") { receiveLSN.samples.append(Sample(value: position)) }
            if let age = try row.double("replay_age") { replayAge.samples.append(Sample(value: age)) }
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
            retained.samples.append(
                Sample(
                    labels: [
                        Label("slot_name", try row.string("slot_name") ?? ""),
                        Label("slot_type", try row.string("slot_type") ?? ""),
                        Label("active", (try row.bool("active") ?? false) ? "true" : "false"),
                    ], value: bytes))
        }
        return [lagBytes, receiveLSN, replayAge, standbyBytes] + lagTimes.map(\.1) + [retained]
    }

    package func derive(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] {
        await standbyLag(from: families, history: history, now: now) + slotTrends(from: families, history: history, now: now)
    }

    /// Each slot's retained-WAL growth and the seconds until `max_slot_wal_keep_size` and the budget (when set).
    private func slotTrends(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] {
        guard let slots = families.first(where: { $0.name == "pg_replication_slot_retained_bytes" }), !slots.samples.isEmpty else { return [] }
        let keepSize = await history.points(name: "pg_settings_max_slot_wal_keep_size", labels: [], window: window, now: now).last?.value
        var growth = MetricFamily(
            name: "pg_replication_slot_retained_bytes_per_second",
            help: "Growth of the WAL a slot holds back, bytes per second over the window (least squares; absent: too little history).",
            type: .gauge)
        var untilLimit = MetricFamily(
            name: "pg_replication_slot_wal_keep_forecast_seconds",
            help:
                "Seconds until the slot holds max_slot_wal_keep_size and is invalidated, at its trend (absent: unlimited, too little history, or not rising).",
            type: .gauge)
        var untilBudget = MetricFamily(
            name: "pg_replication_slot_budget_forecast_seconds",
            help: "Seconds until the slot holds the configured budget_bytes, at its trend (absent: no budget, too little history, or not rising).",
            type: .gauge)
        for sample in slots.samples {
            guard let trend = await history.trend(name: slots.name, labels: sample.labels, window: window, now: now) else { continue }
            growth.samples.append(Sample(labels: sample.labels, value: trend.slope))
            if let keepSize, keepSize >= 0, let seconds = trend.secondsUntil(keepSize, current: sample.value) {
                untilLimit.samples.append(Sample(labels: sample.labels, value: seconds))
            }
            if let budget, let seconds = trend.secondsUntil(budget, current: sample.value) {
                untilBudget.samples.append(Sample(labels: sample.labels, value: seconds))
            }
        }
        return [growth, untilLimit, untilBudget]
    }

    /// The standby's `pg_replication_lag_seconds` (none on a primary).
    private func standbyLag(from families: [MetricFamily], history: some SeriesHistory, now: Double) async -> [MetricFamily] {
        let value = { (name: String) in families.first { $0.name == name }?.samples.first?.value }
        guard let lagBytes = value(Self.lagBytesName) else { return [] }  // not a standby, or nothing received yet
        let receivedBefore = await history.points(name: Self.receiveLSNName, labels: [], window: .seconds(7 * 86400), now: now)
        let seconds = Self.standbyLagSeconds(
            lagBytes: lagBytes, receiveLSN: value(Self.receiveLSNName), replayAge: value(Self.replayAgeName),
            receivedBefore: receivedBefore.filter { $0.timestamp < now }, now: now)
        var lag = MetricFamily(
            name: "pg_replication_lag_seconds",
            help: "Standby: how far replay is behind, in seconds (0 when all received WAL is replayed).", type: .gauge)
        if let seconds { lag.samples.append(Sample(value: seconds)) }
        return [lag]
    }

    /// The standby's lag in seconds: 0 when nothing received is unreplayed; else the smaller of
    /// `replayAge` and `now` minus the last time in `receivedBefore` (earlier received positions,
    /// oldest first) at which the standby had received no more than it has replayed now; nil
    /// when neither is known.
    static func standbyLagSeconds(lagBytes: Double, receiveLSN: Double?, replayAge: Double?, receivedBefore: [SeriesPoint], now: Double) -> Double? {
        guard lagBytes > 0 else { return 0 }
        var bound: Double?
        if let receiveLSN {
            let replayLSN = receiveLSN - lagBytes
            if let last = receivedBefore.last(where: { $0.value <= replayLSN }) { bound = max(0, now - last.timestamp) }
        }
        switch (replayAge, bound) {
        case let (age?, bound?): return min(age, bound)
        case let (age?, nil): return age
        case let (nil, bound?): return bound
        case (nil, nil): return nil
        }
    }
}
