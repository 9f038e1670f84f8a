// The nearest deadlines: every forecast the agent makes, soonest first, for the status page.
import Store

/// A limit some series counts down to, and how the status page names it.
struct Deadline: Sendable {
    /// The series whose value is the seconds left.
    var metric: String
    /// What happens when the time is up.
    var event: String
    /// The labels naming the object: the groups joined with spaces, the labels in a group with
    /// dots (`[["datname"], ["schemaname", "relname"]]` reads `app public.orders`).
    var objectLabels: [[String]]

    /// Every deadline the agent forecasts, plus the partitions' coverage (also seconds left).
    static let all = [
        Deadline(metric: "pg_database_xid_wraparound_forecast_seconds", event: "transaction IDs run out (writes stop)", objectLabels: [["datname"]]),
        Deadline(
            metric: "pg_database_xid_freeze_max_age_forecast_seconds", event: "forced anti-wraparound vacuum", objectLabels: [["datname"]]),
        Deadline(
            metric: "pg_replication_slot_wal_keep_forecast_seconds", event: "slot invalidated (max_slot_wal_keep_size)", objectLabels: [["slot_name"]]
        ),
        Deadline(metric: "pg_replication_slot_budget_forecast_seconds", event: "slot fills its WAL budget", objectLabels: [["slot_name"]]),
        Deadline(
            metric: "pg_sequence_exhaustion_forecast_seconds", event: "sequence runs out (inserts fail)",
            objectLabels: [["datname"], ["schemaname", "sequencename"]]),
        Deadline(metric: "pg_database_size_budget_forecast_seconds", event: "database reaches its size budget", objectLabels: [["datname"]]),
        Deadline(
            metric: "pg_partitioned_table_future_coverage_seconds", event: "range partitions run out",
            objectLabels: [["datname"], ["schemaname", "relname"]]),
    ]

    /// One deadline of one object on one target, as listed.
    struct Entry: Sendable {
        var seconds: Double
        var target: String
        var event: String
        var object: String
    }

    /// How far ahead a deadline is listed: later ones (partitions made for decades) are noise.
    static let horizon = 365 * 86_400.0

    /// The `limit` nearest deadlines within `horizon` in `archive`'s current values (what the
    /// collectors reported in their latest run: a forecast that went absent is not listed), as of
    /// `now` (a value computed a while ago has that much less left), soonest first.
    static func nearest(in archive: SeriesArchive, now: Double, limit: Int) -> [Entry] {
        let entries = all.flatMap { deadline in
            archive.current(named: deadline.metric) { _ in true }.map { ($0.labels, $0.point.value - max(0, now - $0.point.timestamp)) }
                .filter { $0.1 <= horizon }.map { labels, seconds in
                    Entry(
                        seconds: seconds, target: labels.first { $0.name == "target" }?.value ?? "", event: deadline.event,
                        object: deadline.object(labels))
                }
        }
        return Array(entries.sorted { ($0.seconds, $0.target, $0.object) < ($1.seconds, $1.target, $1.object) }.prefix(limit))
    }

    /// The object a series is about: `app public.orders_id_seq`.
    func object(_ labels: [Label]) -> String {
        objectLabels.map { group in
            group.compactMap { name in labels.first { $0.name == name }?.value }.joined(separator: ".")
        }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
