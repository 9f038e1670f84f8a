// The tuning settings a DBA sets, from pg_settings, normalised to base units; and where they drift.
import Exposition
import Postgres
import Store

/// Reports numeric and boolean `pg_settings` as `pg_settings_<name>` gauges in base units:
/// memory in bytes, time in seconds, booleans as 0/1. The list is the tuning values a DBA sets
/// and dashboards compare against (a bounded set: never every setting as a label value).
///
/// For a target with a `cluster` label it also reads every setting's configured value
/// (`reset_val`, which the agent's own `SET`s leave alone) into the `ClusterSettingsBoard` and
/// reports `pg_settings_drift{name}` 1 for each that differs on another target of the cluster
/// (drift shows from the second member's run on; settings that differ by nature, such as
/// `primary_conninfo` or `port`, are left out).
struct SettingsCollector: Collector {
    package let name = "settings"
    let defaultInterval: Duration? = .seconds(300)
    package let minimumServerVersion = 130000
    /// Where the cluster's settings meet.
    let board: ClusterSettingsBoard
    /// The target this collector runs for.
    let target: String
    /// Its `cluster` label; nil: no drift is judged.
    let cluster: String?

    /// A collector for `target` of `cluster` meeting its peers on `board` (without a cluster, none).
    init(board: ClusterSettingsBoard = ClusterSettingsBoard(), target: String = "", cluster: String? = nil) {
        self.board = board
        self.target = target
        self.cluster = cluster
    }

    /// Settings that differ between a primary and its standbys by nature, per node, per session
    /// or during a rolling upgrade (`synchronous_standby_names`: failover managers set it on the
    /// primary only).
    static let perNode = [
        "application_name", "cluster_name", "config_file", "data_directory", "external_pid_file", "hba_file", "hot_standby",
        "ident_file", "in_hot_standby", "listen_addresses", "port", "primary_conninfo", "primary_slot_name", "promote_trigger_file",
        "recovery_min_apply_delay", "recovery_target", "recovery_target_action", "recovery_target_inclusive", "recovery_target_lsn",
        "recovery_target_name", "recovery_target_time", "recovery_target_timeline", "recovery_target_xid", "synchronous_standby_names",
        "ssl_ca_file", "ssl_cert_file", "ssl_crl_dir", "ssl_crl_file", "ssl_key_file", "session_authorization", "is_superuser", "role",
        "server_version", "server_version_num", "transaction_deferrable", "transaction_isolation", "transaction_read_only",
        "unix_socket_directories", "default_transaction_read_only",
    ]

    /// Every setting's configured value but `perNode`'s (`$1`) and those that may hold a secret:
    /// shell commands (`archive_command`, `ssl_passphrase_command`, which can carry keys) and
    /// names with pass, secret, key, salt, token or conninfo in them (an extension's, too). Their
    /// values would be shown on the status page when they differ.
    static let allQuery = """
        SELECT name, reset_val FROM pg_settings
        WHERE name <> ALL($1::text[]) AND name !~ '(_command$|pass|secret|key|salt|token|conninfo)'
        """

    /// The settings exported; names missing on a server's version are simply not returned.
    /// (max_connections is the activity collector's, beside the sessions it limits.)
    package static let names = [
        "shared_buffers", "effective_cache_size", "work_mem", "maintenance_work_mem", "wal_buffers", "max_wal_size", "min_wal_size",
        "superuser_reserved_connections", "max_worker_processes", "max_parallel_workers",
        "max_parallel_workers_per_gather", "max_wal_senders", "max_replication_slots", "wal_keep_size", "max_slot_wal_keep_size",
        "random_page_cost", "seq_page_cost", "effective_io_concurrency", "checkpoint_timeout", "checkpoint_completion_target",
        "autovacuum", "autovacuum_max_workers", "autovacuum_naptime", "autovacuum_vacuum_scale_factor",
        "autovacuum_vacuum_cost_limit", "autovacuum_freeze_max_age", "autovacuum_multixact_freeze_max_age",
        "statement_timeout", "idle_in_transaction_session_timeout", "lock_timeout", "deadlock_timeout",
        "track_io_timing", "fsync", "synchronous_commit", "hot_standby", "archive_mode", "temp_file_limit",
    ]

    /// Numeric and boolean settings among `names`, with their units.
    package static let query = """
        SELECT name, setting, unit, vartype FROM pg_settings
        WHERE name = ANY($1::text[]) AND vartype IN ('bool', 'integer', 'real', 'enum')
        """

    package func collect(_ session: DatabaseSession, server: ServerInfo) async throws -> [MetricFamily] {
        let list = "{" + Self.names.joined(separator: ",") + "}"
        let families = try Self.families(rows: try await session.query(Self.query, [list]).rows)
        guard let cluster else { return families }
        var settings: [String: String] = [:]
        for row in try await session.query(Self.allQuery, ["{" + Self.perNode.joined(separator: ",") + "}"]).rows {
            if let name = try row.string("name") { settings[name] = try row.string("reset_val") ?? "" }
        }
        board.update(target: target, cluster: cluster, settings: settings)
        return families + [Self.driftFamily(board.drift(of: target))]
    }

    /// `pg_settings_drift{name}` 1 for each drifting setting.
    static func driftFamily(_ drift: [SettingDrift]) -> MetricFamily {
        MetricFamily(
            name: "pg_settings_drift", help: "1 for each setting whose value differs on another target with the same cluster label.",
            type: .gauge, samples: drift.map { Sample(labels: [Label("name", $0.name)], value: 1) })
    }

    /// Turns settings rows into one gauge family each.
    package static func families(rows: [Row]) throws -> [MetricFamily] {
        try rows.compactMap { row in
            guard let name = try row.string("name"), let setting = try row.string("setting"),
                let value = normalised(setting: setting, unit: try row.string("unit"), type: try row.string("vartype") ?? "")
            else { return nil }
            return MetricFamily(
                name: "pg_settings_" + name, help: "The server's \(name) setting, in base units.", type: .gauge,
                samples: [Sample(value: value)])
        }.sorted { $0.name < $1.name }
    }

    /// The value in base units: `8kB` blocks to bytes, `ms`/`s`/`min` to seconds, `on`/`off` to 1/0;
    /// an enum only when it is on, off or always (synchronous_commit, archive_mode); nil otherwise.
    package static func normalised(setting: String, unit: String?, type: String) -> Double? {
        switch type {
        case "bool", "enum":
            switch setting {
            case "on", "true", "always": return 1
            case "off", "false": return 0
            default: return nil
            }
        default:
            guard let number = Double(setting) else { return nil }
            if number < 0 { return number }  // -1 means "disabled" and stays so
            return number * multiplier(unit)
        }
    }

    /// Bytes or seconds per unit of `unit` as pg_settings writes it (`8kB`, `kB`, `MB`, `ms`, `s`, `min`…).
    static func multiplier(_ unit: String?) -> Double {
        guard let unit, !unit.isEmpty else { return 1 }
        let digits = unit.prefix { $0.isNumber }
        let count = Double(digits) ?? 1
        switch unit.dropFirst(digits.count) {
        case "B": return count
        case "kB": return count * 1024
        case "MB": return count * 1024 * 1024
        case "GB": return count * 1024 * 1024 * 1024
        case "TB": return count * 1024 * 1024 * 1024 * 1024
        case "us": return count / 1_000_000
        case "ms": return count / 1000
        case "s": return count
        case "min": return count * 60
        case "h": return count * 3600
        case "d": return count * 86400
        default: return 1
        }
    }
}
