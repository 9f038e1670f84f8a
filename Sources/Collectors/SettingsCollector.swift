// The tuning settings a DBA sets, from pg_settings, normalised to base units.
import Postgres
import Store

/// Reports numeric and boolean `pg_settings` as `pg_settings_<name>` gauges in base units:
/// memory in bytes, time in seconds, booleans as 0/1. The list is the tuning values a DBA sets
/// and dashboards compare against (a bounded set: never every setting as a label value).
struct SettingsCollector: Collector {
    package let name = "settings"
    let defaultInterval: Duration? = .seconds(300)
    package let minimumServerVersion = 130000

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
        return try Self.families(rows: try await session.query(Self.query, [list]).rows)
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
