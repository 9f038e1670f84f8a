// Unit tests of the status page: what it shows for up and down targets and alerts, escaping, sparklines.

import Testing

@testable import Alerting
@testable import HTTP
@testable import PGVigil
@testable import Postgres
@testable import Sampler
@testable import Store

@Suite struct StatusPageTests {
    private let now = 1_000_000.0

    private func archive() -> SeriesArchive {
        let archive = SeriesArchive()
        for step in 0...10 {
            let timestamp = now - 600 + 60 * Double(step)
            archive.append(
                [
                    MetricFamily(
                        name: "pg_stat_activity_count", help: "", type: .gauge,
                        samples: [
                            Sample(labels: [Label("target", "primary"), Label("state", "active")], value: Double(step)),
                            Sample(labels: [Label("target", "primary"), Label("state", "idle")], value: 10),
                        ]),
                    MetricFamily(
                        name: "pg_stat_database_xact_commit_total", help: "", type: .counter,
                        samples: [
                            Sample(labels: [Label("target", "primary"), Label("datname", "app")], value: 600 * Double(step))
                        ]),
                    MetricFamily(
                        name: "pg_stat_database_xact_rollback_total", help: "", type: .counter,
                        samples: [
                            Sample(labels: [Label("target", "primary"), Label("datname", "app")], value: 60 * Double(step))
                        ]),
                ], source: SeriesSource(target: "primary", collector: "test"), timestamp: timestamp, capacity: 100, retention: 3600)
        }
        return archive
    }

    private func snapshot() -> (ServedSnapshot, alerts: [ActiveAlert]) {
        var primary = TargetStatus(name: "primary", labels: [Label("target", "primary"), Label("cluster", "main")], interval: 15)
        primary.up = true
        primary.server = ServerInfo(versionNumber: 170000, version: "17.0", isInRecovery: false)
        primary.lastSuccess = now - 3
        var replica = TargetStatus(name: "replica", labels: [Label("target", "replica")], interval: 15)
        replica.failureReason = "connection refused <script>alert(1)</script>"
        let alert = ActiveAlert(
            name: "PostgresDown", labels: ["alertname": "PostgresDown", "target": "replica"],
            annotations: ["summary": "replica cannot be reached"], state: .firing, activeAt: now - 125, value: 0, fingerprint: "f")
        return (ServedSnapshot(exposition: .empty, perTarget: [:], targets: [primary, replica]), [alert])
    }

    @Test func showsHealthRoleAlertsAndEscapesText() {
        let served = snapshot()
        let html = StatusPage(archive: archive(), history: 3600).render(served.0, alerts: served.alerts, now: now)
        #expect(html.contains("1 of 2 targets down, 1 alerts firing"))
        #expect(html.contains(#"<meta http-equiv="refresh" content="15">"#))
        #expect(html.contains(#"<span class="state up">up</span> · <span>primary</span> · <span>17.0</span> · <span>sampled 3s ago</span>"#))
        #expect(html.contains(#"<span class="state down">down</span>"#))
        #expect(html.contains("connection refused &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("<td>firing</td><td>PostgresDown</td><td>replica</td><td>replica cannot be reached</td><td>2m 5s</td>"))
        #expect(html.contains("cluster=main"))
    }

    @Test func sparklinesAggregateTheTargetsSeries() {
        let served = snapshot()
        let html = StatusPage(archive: archive(), history: 3600).render(served.0, alerts: served.alerts, now: now)
        // Connections: active 0…10 plus idle 10 → 10…20, latest 20; transactions: (600 + 60) per 60 s = 11/s.
        #expect(html.contains("Connections <b>20</b>"))
        #expect(html.contains("Transactions/s <b>11/s</b>"))
        // The connections line rises from the bottom left to the top right of the 240×48 box.
        #expect(html.contains(#"<path d="M0,46 L24,41.6 L48,37.2"#))
        #expect(html.contains("L240,2\"/>"))
        // The replica has no history: placeholders, no path.
        let replica = html.components(separatedBy: #"id="target-replica""#).last ?? ""
        #expect(!replica.contains("<path") && replica.contains("no history yet"))
    }

    @Test func valuesReadLikeAPersonWritesThem() {
        #expect(ValueText.format(1536, unit: .bytes) == "1.5 KiB")
        #expect(ValueText.format(5 * 1024 * 1024 * 1024, unit: .bytes) == "5 GiB")
        #expect(ValueText.format(0.9912, unit: .ratio) == "99.1%")
        #expect(ValueText.format(125, unit: .seconds) == "2m 5s")
        #expect(ValueText.format(0.25, unit: .seconds) == "250ms")
        #expect(ValueText.format(12.345, unit: .perSecond) == "12.3/s")
    }

    @Test func onCallSeesTheNearestDeadlinesTablesTransactionsBlockersAndPools() {
        let archive = SeriesArchive()
        let primary = [Label("target", "primary")]
        let bouncer = [Label("target", "bouncer")]
        let gauge = { (name: String, samples: [([Label], Double)]) in
            MetricFamily(name: name, help: "", type: .gauge, samples: samples.map { Sample(labels: $0.0, value: $0.1) })
        }
        let app = primary + [Label("datname", "app")]
        let events = app + [Label("schemaname", "public"), Label("relname", "events")]
        let users = app + [Label("schemaname", "public"), Label("relname", "users")]
        // An older run reported a forecast that the latest run no longer makes: it is not listed.
        archive.append(
            [gauge("pg_database_size_budget_forecast_seconds", [(app, 60)])], source: SeriesSource(target: "primary", collector: "table_sizes"),
            timestamp: now - 600, capacity: 10, retention: 3600)
        archive.append(
            [
                gauge("pg_stat_user_tables_total_size_bytes", [(events, 5 * 1_073_741_824), (users, 1_048_576)]),
                gauge("pg_stat_user_tables_total_size_growth_bytes_per_day", [(events, 2 * 1_048_576), (users, -1024)]),
            ], source: SeriesSource(target: "primary", collector: "table_sizes"), timestamp: now - 60, capacity: 10, retention: 3600)
        archive.append(
            [
                gauge("pg_database_xid_wraparound_forecast_seconds", [(app, 90 * 86_400)]),
                gauge("pg_database_xid_freeze_max_age_forecast_seconds", [(app, 3 * 86_400 + 7200)]),
            ], source: SeriesSource(target: "primary", collector: "wraparound"), timestamp: now - 30, capacity: 10, retention: 3600)
        archive.append(
            [
                gauge(
                    "pg_sequence_exhaustion_forecast_seconds",
                    [(app + [Label("schemaname", "public"), Label("sequencename", "orders_id_seq")], 3600)]),
                gauge("pg_stat_activity_max_tx_duration_seconds", [(app, 7500), (primary + [Label("datname", "idle")], 0)]),
                gauge("pg_locks_blocking_sessions", [(app, 2)]), gauge("pg_locks_max_sessions_blocked_by_one", [(app, 7)]),
                // Partitions made for a decade: beyond the deadlines' horizon of a year.
                gauge("pg_partitioned_table_future_coverage_seconds", [(events, 10 * 365 * 86_400)]),
            ], source: SeriesSource(target: "primary", collector: "misc"), timestamp: now - 10, capacity: 10, retention: 3600)
        let pool = { (database: String) in bouncer + [Label("database", database), Label("user", "app")] }
        archive.append(
            [
                gauge("pgbouncer_pools_client_active_connections", [(pool("app"), 20), (pool("reports"), 1)]),
                gauge("pgbouncer_pools_client_waiting_connections", [(pool("app"), 0), (pool("reports"), 4)]),
                gauge("pgbouncer_pools_server_active_connections", [(pool("app"), 10), (pool("reports"), 1)]),
                gauge("pgbouncer_pools_server_idle_connections", [(pool("app"), 5), (pool("reports"), 0)]),
                gauge("pgbouncer_pools_server_used_connections", [(pool("app"), 0), (pool("reports"), 0)]),
                gauge("pgbouncer_pools_client_maxwait_seconds", [(pool("app"), 0), (pool("reports"), 12.5)]),
            ], source: SeriesSource(target: "bouncer", collector: "pgbouncer"), timestamp: now - 5, capacity: 10, retention: 3600)
        var (served, _) = snapshot()
        var pgBouncer = TargetStatus(name: "bouncer", labels: bouncer, interval: 15)
        pgBouncer.up = true
        pgBouncer.server = ServerInfo(versionNumber: 0, version: "PgBouncer 1.18.0", isInRecovery: false)
        pgBouncer.server?.isPgBouncer = true
        served.targets.append(pgBouncer)
        let html = StatusPage(archive: archive, history: 3600).render(served, alerts: [], now: now)

        // Deadlines, soonest first, less the time since they were computed; the one a later run
        // dropped is gone; within a week is marked.
        let deadlines = html.components(separatedBy: #"<section id="deadlines">"#).last?.components(separatedBy: "</section>").first ?? ""
        #expect(
            deadlines.contains(
                #"<tr class="soon"><td>59m 50s</td><td>primary</td><td>sequence runs out (inserts fail)</td><td>app public.orders_id_seq</td></tr>"#
                    + #"<tr class="soon"><td>3d 1h</td><td>primary</td><td>forced anti-wraparound vacuum</td><td>app</td></tr>"#
                    + #"<tr><td>89d 23h</td><td>primary</td><td>transaction IDs run out (writes stop)</td><td>app</td></tr>"#))
        #expect(!deadlines.contains("size budget") && !deadlines.contains("partitions"))
        // The primary's lists: tables by size with their growth, the fastest-growing, transactions, blockers.
        #expect(
            html.contains(
                "<h3>Largest tables</h3><ol><li>app public.events <b>5 GiB</b> +2 MiB/day</li><li>app public.users <b>1 MiB</b> −1 KiB/day</li></ol>")
        )
        #expect(html.contains("<h3>Fastest-growing tables</h3><ol><li>app public.events <b>+2 MiB/day</b></li></ol>"))
        #expect(html.contains("<h3>Longest transactions</h3><ol><li>app <b>2h 5m</b></li></ol>"))
        #expect(html.contains("<h3>Blocking sessions</h3><ol><li>app <b>2 root blockers</b>, up to 7 sessions waiting on one</li></ol>"))
        // The PgBouncer: its pools, waiting ones first, and its own sparklines instead of PostgreSQL's.
        let pgBouncerSection = html.components(separatedBy: #"id="target-bouncer""#).last ?? ""
        #expect(
            pgBouncerSection.contains(
                #"<tr class="waiting"><td>reports</td><td>app</td><td>1</td><td>4</td><td>1</td><td>0</td><td>0</td><td>12.5s</td></tr>"#
                    + "<tr><td>app</td><td>app</td><td>20</td><td>0</td><td>10</td><td>5</td><td>0</td><td>0s</td></tr>"))
        #expect(pgBouncerSection.contains("Clients waiting <b>4</b>") && pgBouncerSection.contains("Server connections <b>16</b>"))
        #expect(pgBouncerSection.contains("Longest client wait <b>12.5s</b>") && !pgBouncerSection.contains("Cache hit ratio"))
        // A target that is down has no lists.
        let replicaSection = html.components(separatedBy: #"id="target-replica""#).last?.components(separatedBy: "</section>").first ?? ""
        #expect(!replicaSection.contains("Largest tables"))
    }
}
