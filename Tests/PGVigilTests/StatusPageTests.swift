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
}
