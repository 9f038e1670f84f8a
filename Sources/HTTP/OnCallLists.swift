// The short lists the status page shows per target before its sparklines: what on call asks first.
import Store

/// Per target, from the values its collectors reported last (`SeriesArchive.current`): for a
/// PostgreSQL server its largest and fastest-growing tables, its longest transactions and its
/// blocking sessions; for a PgBouncer its pools (clients waiting, server connections, the
/// longest wait), which is what a pooler's trouble looks like.
struct OnCallLists: Sendable {
    /// The history the values are read from.
    let archive: SeriesArchive
    /// Rows per list (pools: four times as many).
    static let rows = 5

    /// One named value of a list.
    private struct Item {
        var labels: [Label]
        var value: Double
    }

    /// The lists of `target`, as HTML.
    func html(target: String, pgBouncer: Bool) -> String {
        pgBouncer ? pools(target) : postgresLists(target)
    }

    /// The current values of `name` on `target`, largest first.
    private func current(_ name: String, on target: String) -> [Item] {
        archive.current(named: name) { $0.first == Label("target", target) }
            .map { Item(labels: Array($0.labels.dropFirst()), value: $0.point.value) }
            .sorted { ($0.value, $1.labels.description) > ($1.value, $0.labels.description) }
    }

    /// The current values of `name` on `target` by their labels.
    private func byLabels(_ name: String, on target: String) -> [[Label]: Double] {
        Dictionary(current(name, on: target).map { ($0.labels, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    private func postgresLists(_ target: String) -> String {
        let growth = byLabels("pg_stat_user_tables_total_size_growth_bytes_per_day", on: target)
        let largest = current("pg_stat_user_tables_total_size_bytes", on: target).prefix(Self.rows).map { table in
            Self.name(table.labels) + " <b>" + ValueText.bytes(table.value) + "</b>"
                + (growth[table.labels].map { " " + Self.perDay($0) } ?? "")
        }
        let fastest = current("pg_stat_user_tables_total_size_growth_bytes_per_day", on: target).filter { $0.value > 0 }.prefix(Self.rows).map {
            Self.name($0.labels) + " <b>" + Self.perDay($0.value) + "</b>"
        }
        let longest = current("pg_stat_activity_max_tx_duration_seconds", on: target).filter { $0.value > 0 }.prefix(Self.rows).map {
            Self.name($0.labels) + " <b>" + ValueText.duration($0.value) + "</b>"
        }
        let heldByOne = byLabels("pg_locks_max_sessions_blocked_by_one", on: target)
        let blocking = current("pg_locks_blocking_sessions", on: target).filter { $0.value > 0 }.prefix(Self.rows).map { roots in
            Self.name(roots.labels) + " <b>" + ValueText.decimal(roots.value) + " root blocker" + (roots.value == 1 ? "" : "s") + "</b>"
                + (heldByOne[roots.labels].map { ", up to " + ValueText.decimal($0) + " sessions waiting on one" } ?? "")
        }
        return "<div class=\"lists\">" + Self.list("Largest tables", largest) + Self.list("Fastest-growing tables", fastest)
            + Self.list("Longest transactions", longest) + Self.list("Blocking sessions", blocking) + "</div>"
    }

    /// The pools of a PgBouncer, those with waiting clients first.
    private func pools(_ target: String) -> String {
        let prefix = "pgbouncer_pools_"
        let columns = [
            ("clients active", "client_active_connections"), ("clients waiting", "client_waiting_connections"),
            ("servers active", "server_active_connections"), ("servers idle", "server_idle_connections"),
            ("servers used", "server_used_connections"),
        ]
        var values: [[Label]: [String: Double]] = [:]
        for (_, suffix) in columns + [("", "client_maxwait_seconds")] {
            for item in current(prefix + suffix, on: target) { values[item.labels, default: [:]][suffix] = item.value }
        }
        guard !values.isEmpty else { return "<div class=\"lists\">" + Self.list("Pools", []) + "</div>" }
        let ordered = values.sorted {
            let (left, right) = ($0.value, $1.value)
            return (left["client_waiting_connections"] ?? 0, left["client_maxwait_seconds"] ?? 0, $1.key.description)
                > (right["client_waiting_connections"] ?? 0, right["client_maxwait_seconds"] ?? 0, $0.key.description)
        }
        let head = "<tr><th>database</th><th>user</th>" + columns.map { "<th>\($0.0)</th>" }.joined() + "<th>longest wait</th></tr>"
        let rows = ordered.prefix(4 * Self.rows).map { labels, figures in
            let cell = { (name: String) in labels.first { $0.name == name }.map { HTMLText.escaped($0.value) } ?? "" }
            let waiting = (figures["client_waiting_connections"] ?? 0) > 0
            return "<tr\(waiting ? " class=\"waiting\"" : "")><td>\(cell("database"))</td><td>\(cell("user"))</td>"
                + columns.map { "<td>\(figures[$0.1].map(ValueText.decimal) ?? "–")</td>" }.joined()
                + "<td>\(figures["client_maxwait_seconds"].map(ValueText.duration) ?? "–")</td></tr>"
        }
        return "<table class=\"pools\"><thead>\(head)</thead><tbody>\(rows.joined())</tbody></table>"
    }

    /// A titled list, or `none` when it has no items.
    private static func list(_ title: String, _ items: [String]) -> String {
        let body = items.isEmpty ? "<p class=\"none\">none</p>" : "<ol>" + items.map { "<li>\($0)</li>" }.joined() + "</ol>"
        return "<div><h3>\(title)</h3>\(body)</div>"
    }

    /// A series' object from its labels (the target's own left out): `app public.events`.
    private static func name(_ labels: [Label]) -> String {
        let value = { (name: String) in labels.first { $0.name == name }?.value }
        let table = [value("schemaname"), value("relname")].compactMap { $0 }.joined(separator: ".")
        return HTMLText.escaped([value("datname") ?? "", table].filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// Growth per day with its sign: `+1.2 MiB/day`.
    private static func perDay(_ bytes: Double) -> String {
        (bytes >= 0 ? "+" : "−") + ValueText.bytes(abs(bytes)) + "/day"
    }
}
