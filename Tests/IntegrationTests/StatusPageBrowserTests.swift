// The status page in a real headless browser (Debian's chromium): it renders its sparklines, logs
// no console error, and leaves a screenshot (copied to docs/ when PGVIGIL_UPDATE_SCREENSHOT=1).

import Foundation
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

/// Debian's chromium.
private let chromium = "/usr/bin/chromium"

@Suite(
    .enabled(
        if: TestCluster.runs(if: TestCluster.isAvailable && FileManager.default.isExecutableFile(atPath: chromium)),
        "needs chromium and the test servers"))
struct StatusPageBrowserTests {
    /// The number of points of the first sparkline of `target` in `html`.
    private func sparklinePoints(_ html: String, target: String) -> Int {
        guard let section = html.components(separatedBy: "id=\"target-\(target)\"").dropFirst().first,
            let path = section.components(separatedBy: "<path d=\"").dropFirst().first?.prefix(while: { $0 != "\"" })
        else { return 0 }
        return path.split(separator: " ").count
    }

    @Test func thePageRendersSparklinesAndAlertsInChromium() async throws {
        let database = TestCluster.uniqueName("statuspage")
        let admin = try TestCluster.adminPrimary()
        _ = try admin.query("CREATE DATABASE \(database)", [])
        defer { _ = try? admin.query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let load = try TestCluster.adminPrimary(database: database)
        _ = try load.query("CREATE TABLE events (id serial PRIMARY KEY, payload text)", [])
        // Its key 10 million short of 2^31 - 1 and readable by the monitoring role: the load below
        // uses it up, so the page lists when it runs out.
        _ = try load.query("SELECT setval('events_id_seq', 2147483647 - 10000000)", [])
        _ = try load.query("GRANT SELECT ON SEQUENCE events_id_seq TO pgvigil", [])

        var config = testConfig(
            targets: [
                TargetConfig(name: "primary", dsn: TestCluster.primaryDSN, labels: ["cluster": "main"]),
                TargetConfig(name: "replica", dsn: TestCluster.replicaDSN, labels: ["cluster": "main"]),
                // Nothing listens on port 1 of loopback: a target that is down.
                TargetConfig(name: "analytics", dsn: "host=127.0.0.1 port=1 user=pgvigil dbname=postgres connect_timeout=2"),
            ], interval: .seconds(1))
        if let bouncer = ProcessInfo.processInfo.environment["PGVIGIL_TEST_PGBOUNCER_DSN"] {
            var target = TargetConfig(name: "bouncer", dsn: bouncer)
            target.type = .pgbouncer
            config.targets.append(target)
        }
        config.history = ConfigDuration(.seconds(120))
        config.collectors["sequences"] = CollectorOptions(interval: ConfigDuration(.seconds(1)), window: ConfigDuration(.seconds(30)))
        config.alerts.evaluationInterval = ConfigDuration(.seconds(1))
        config.alerts.spool = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-spool-\(UUID().uuidString)").path
        config.alerts.rules = [
            AlertRuleConfig(
                alert: "IdleInTransaction", expr: "pg_stat_activity_max_idle_in_transaction_seconds{datname=\"\(database)\"} > 2",
                for: ConfigDuration(.seconds(2)), labels: ["severity": "warning"],
                annotations: ["summary": "{{ $labels.target }}/{{ $labels.datname }}: a session is idle in transaction for {{ $value }}s"])
        ]

        let idle = try TestCluster.adminPrimary(database: database)
        try await RunningAgent.with(config) { agent in
            _ = try idle.query("BEGIN", [])
            _ = try idle.query("SELECT 1", [])
            var html = ""
            let ready = try await waitUntil(timeout: .seconds(60), every: .milliseconds(500)) {
                // A little write load, so transactions/s and sizes move.
                _ = try load.query("INSERT INTO events (payload) SELECT repeat('x', 200) FROM generate_series(1, 500 + (random() * 1500)::int)", [])
                html = try await agent.get("/").body
                return html.contains("<td>firing</td><td>IdleInTransaction</td>") && sparklinePoints(html, target: "primary") >= 20
                    && html.contains("<td>sequence runs out (inserts fail)</td><td>\(database) public.events_id_seq</td>")
            }
            #expect(ready, "the page never showed the firing alert, 20 points of history and the sequence's deadline")
            defer { _ = try? idle.query("ROLLBACK", []) }

            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-chromium-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = "http://127.0.0.1:\(agent.port)/"
            let flags = "--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir='\(directory.path)/profile'"
            let dom = directory.appendingPathComponent("dom.html").path
            let log = directory.appendingPathComponent("chromium.log").path
            let screenshot = directory.appendingPathComponent("status-page.png").path
            let dumped = try await runCommand([
                "/bin/sh", "-c",
                "\(chromium) \(flags) --enable-logging=stderr --v=0 --dump-dom '\(url)' > '\(dom)' 2> '\(log)'",
            ])
            #expect(dumped == 0)
            let shot = try await runCommand([
                "/bin/sh", "-c",
                "\(chromium) \(flags) --window-size=1400,1150 --screenshot='\(screenshot)' '\(url)' >> '\(log)' 2>&1",
            ])
            #expect(shot == 0)

            // What the browser parsed and laid out: every up target's sparklines are SVG paths.
            let rendered = try String(contentsOfFile: dom, encoding: .utf8)
            #expect(sparklinePoints(rendered, target: "primary") >= 20)
            #expect(sparklinePoints(rendered, target: "replica") >= 2)
            #expect(rendered.contains("<td>IdleInTransaction</td>"))
            #expect(rendered.contains(#"<span class="state down">down</span>"#))
            // What on call reads first: the deadline, the primary's largest table and longest transaction, the pools.
            #expect(rendered.contains("<td>primary</td><td>sequence runs out (inserts fail)</td><td>\(database) public.events_id_seq</td>"))
            #expect(rendered.contains("<h3>Largest tables</h3><ol><li>"))
            #expect(rendered.contains("<h3>Longest transactions</h3><ol><li>"))
            if config.targets.contains(where: { $0.name == "bouncer" }) {
                let pgBouncer = rendered.components(separatedBy: #"id="target-bouncer""#).last ?? ""
                #expect(pgBouncer.contains("<th>clients waiting</th>") && pgBouncer.contains("Clients waiting <b>"))
            }
            // No console message at all (errors, failed loads such as a favicon, CSP violations).
            let console = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").filter { $0.contains(":CONSOLE") }
            #expect(console.isEmpty, "console: \(console)")
            let png = try Data(contentsOf: URL(fileURLWithPath: screenshot))
            #expect(png.count > 20_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            if ProcessInfo.processInfo.environment["PGVIGIL_UPDATE_SCREENSHOT"] == "1" {
                let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("docs/status-page.png")
                try FileManager.default.createDirectory(at: docs.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? FileManager.default.removeItem(at: docs)
                try FileManager.default.copyItem(atPath: screenshot, toPath: docs.path)
            }
        }
    }
}
