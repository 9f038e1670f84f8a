// GET /: one self-contained HTML page for the person on call: targets, alerts, sparklines.
import Alerting
import Config
import Exposition
import Sampler
import Store
import Support

/// Renders the status page from the served snapshot and the history: each target's health
/// and role, the firing and pending alerts, and sparklines of its key series over the retained
/// history (or, while the agent is younger than that, since its first sample). No script, no external resource: it works with only a browser (and reads with curl).
/// The page reloads itself every sampling interval.
package struct StatusPage: Sendable {
    /// The history the sparklines are drawn from.
    package let archive: SeriesArchive
    /// How far back the sparklines reach, in seconds.
    package let history: Double
    /// The share of the targets this agent samples (`INDEX/TOTAL`), nil when it samples them all.
    package let shard: String?
    /// The settings each target reported, for the settings that differ within a cluster.
    package let clusterSettings: ClusterSettingsBoard
    private let sparkline = Sparkline()
    /// The deadlines listed at the top of the page.
    static let deadlinesShown = 10

    /// Creates the page over `archive`, drawing `history` seconds, for the agent of `shard`.
    package init(archive: SeriesArchive, history: Double, shard: String? = nil, clusterSettings: ClusterSettingsBoard = ClusterSettingsBoard()) {
        self.archive = archive
        self.history = history
        self.shard = shard
        self.clusterSettings = clusterSettings
    }

    /// The page as of `now`, with the pending and firing `alerts`, its sparklines over `window`
    /// seconds (default `history`; longer ones read the archive's tiers).
    package func render(_ snapshot: ServedSnapshot, alerts: [ActiveAlert], now: Double, window: Double? = nil) -> String {
        let window = window ?? history
        let refresh = max(5, Int((snapshot.targets.map(\.interval).min() ?? 15).rounded(.up)))
        let down = snapshot.targets.filter { !$0.up }.count
        let firing = alerts.filter { $0.state == .firing }.count
        let headline =
            down + firing == 0
            ? "All \(snapshot.targets.count) targets up, no alerts firing"
            : "\(down) of \(snapshot.targets.count) targets down, \(firing) alerts firing"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="\(refresh)">
            <meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
            <title>pgvigil: \(HTMLText.escaped(headline))</title><style>\(Self.style)</style></head>
            <body><header><h1>pgvigil</h1><p class="\(down + firing == 0 ? "ok" : "bad")" id="headline">\(HTMLText.escaped(headline))</p>
            <p class="meta">version \(PGVigilVersion.current)\(shard.map { " · shard \(HTMLText.escaped($0))" } ?? "") · \(windowLinks(showing: window)) · refreshes every \(refresh)s ·
            <a href="/metrics">/metrics</a> · <a href="/readyz">/readyz</a> · <a href="/api/v1/alerts">/api/v1/alerts</a></p></header>
            \(alertsSection(alerts, now: now))
            \(deadlinesSection(now: now))
            <main>\(snapshot.targets.map { targetSection($0, now: now, window: window) }.joined(separator: "\n"))</main>
            </body></html>
            """
    }

    /// The alerts table, firing before pending, oldest first.
    private func alertsSection(_ alerts: [ActiveAlert], now: Double) -> String {
        guard !alerts.isEmpty else { return #"<section id="alerts"><h2>Alerts</h2><p class="ok">No alert is pending or firing.</p></section>"# }
        let ordered = alerts.sorted { ($0.state == .firing ? 0 : 1, $0.activeAt, $0.name) < ($1.state == .firing ? 0 : 1, $1.activeAt, $1.name) }
        let rows = ordered.map { alert in
            let summary = alert.annotations["summary"] ?? alert.annotations["description"] ?? ""
            return "<tr class=\"\(alert.state.rawValue)\"><td>\(alert.state.rawValue)</td><td>\(HTMLText.escaped(alert.name))</td>"
                + "<td>\(HTMLText.escaped(alert.target))</td><td>\(HTMLText.escaped(summary))</td>"
                + "<td>\(ValueText.duration(max(0, now - alert.activeAt)))</td></tr>"
        }
        return """
            <section id="alerts"><h2>Alerts</h2><table><thead><tr><th>state</th><th>alert</th><th>target</th><th>summary</th><th>active for</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table></section>
            """
    }

    /// The window shown, and links to the others the history holds: the raw history, then each tier's reach.
    private func windowLinks(showing window: Double) -> String {
        let windows = [history] + archive.tiers.map(\.keep).filter { $0 > history }
        guard windows.count > 1 else { return "history \(ValueText.duration(history))" }
        let links = windows.map { choice in
            let text = ValueText.duration(choice)
            return choice == window ? "<b>\(text)</b>" : "<a href=\"/?window=\(ConfigDuration(.milliseconds(Int64(choice * 1000))))\">\(text)</a>"
        }
        return "history " + links.joined(separator: " ")
    }

    /// The nearest deadlines the forecasts see, soonest first.
    private func deadlinesSection(now: Double) -> String {
        let nearest = Deadline.nearest(in: archive, now: now, limit: Self.deadlinesShown)
        guard !nearest.isEmpty else {
            return #"<section id="deadlines"><h2>Nearest deadlines</h2><p class="ok">No limit is forecast to be reached within a year.</p></section>"#
        }
        let rows = nearest.map { entry in
            let left =
                entry.seconds <= 0 ? (entry.seconds < 0 ? "overdue " + ValueText.duration(-entry.seconds) : "now") : ValueText.duration(entry.seconds)
            return "<tr\(entry.seconds < 7 * 86_400 ? " class=\"soon\"" : "")><td>\(left)</td><td>\(HTMLText.escaped(entry.target))</td>"
                + "<td>\(HTMLText.escaped(entry.event))</td><td>\(HTMLText.escaped(entry.object))</td></tr>"
        }
        return #"<section id="deadlines"><h2>Nearest deadlines</h2><table><thead><tr><th>in</th><th>target</th><th>what</th><th>of</th></tr></thead>"#
            + "<tbody>\(rows.joined())</tbody></table></section>"
    }

    /// One target: health, role, version, failing collectors, on-call lists, sparklines over `window`.
    private func targetSection(_ target: TargetStatus, now: Double, window: Double) -> String {
        let role = target.server.map { $0.isPgBouncer ? "pgbouncer" : $0.isInRecovery ? "standby" : "primary" } ?? "unknown"
        let labels = target.labels.dropFirst().map { "\($0.name)=\($0.value)" }.joined(separator: " ")
        var facts = ["<span class=\"state \(target.up ? "up" : "down")\">\(target.up ? "up" : "down")</span>", "<span>\(role)</span>"]
        if let server = target.server { facts.append("<span>\(HTMLText.escaped(server.version))</span>") }
        facts.append(target.lastSuccess.map { "<span>sampled \(ValueText.duration(max(0, now - $0))) ago</span>" } ?? "<span>never sampled</span>")
        let failing = target.collectors.filter { !$0.value.success }.keys.sorted()
        var problems = ""
        if let reason = target.failureReason, !target.up || !failing.isEmpty {
            problems += "<p class=\"reason\">\(HTMLText.escaped(reason))</p>"
        }
        if target.up, !failing.isEmpty {
            problems += "<p class=\"reason\">failing collectors: \(HTMLText.escaped(failing.joined(separator: ", ")))</p>"
        }
        let drift = clusterSettings.drift(of: target.name)
        if !drift.isEmpty {
            let settings = drift.map { setting in
                "<b>\(HTMLText.escaped(setting.name))</b> ("
                    + setting.values.map { "\(HTMLText.escaped($0.target)): \(HTMLText.escaped($0.value))" }.joined(separator: ", ") + ")"
            }
            problems += "<p class=\"drift\">settings differing within the cluster: \(settings.joined(separator: "; "))</p>"
        }
        let pgBouncer = target.server?.isPgBouncer ?? false
        let lists = target.server == nil ? "" : OnCallLists(archive: archive).html(target: target.name, pgBouncer: pgBouncer)
        let charts = KeySeries.shown(pgBouncer: pgBouncer).map { series in
            let points = series.points(in: archive, target: target.name, window: window, now: now)
            let latest = points.last.map { ValueText.format($0.value, unit: series.unit) } ?? "–"
            var range = ""
            if let low = points.map(\.value).min(), let high = points.map(\.value).max() {
                range = "<span class=\"range\">\(ValueText.format(low, unit: series.unit)) – \(ValueText.format(high, unit: series.unit))</span>"
            }
            return "<figure><figcaption>\(series.title) <b>\(latest)</b></figcaption>"
                + sparkline.svg(
                    points, start: max(now - window, points.first?.timestamp ?? now), end: now, scale: series.scale,
                    label: "\(target.name): \(series.title)")
                + range + "</figure>"
        }
        return """
            <section class="target" id="target-\(HTMLText.escaped(target.name))"><h2>\(HTMLText.escaped(target.name))
            <small>\(HTMLText.escaped(labels))</small></h2><p class="facts">\(facts.joined(separator: " · "))</p>\(problems)
            \(lists)<div class="charts">\(charts.joined())</div></section>
            """
    }

    /// The page's stylesheet (inline: the page loads nothing else).
    private static let style = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0 auto;max-width:1400px;padding:1em 2em;color:#1d232a;background:#f6f7f9}
        h1{margin:0;font-size:1.5em}h2{font-size:1.15em;margin:.2em 0}small{color:#5b6571;font-weight:normal}
        .meta{color:#5b6571;margin:.2em 0 1em}.ok{color:#1a7f37}.bad{color:#c62828;font-weight:bold}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #dde1e6}
        tr.firing td:first-child{color:#c62828;font-weight:bold}tr.pending td:first-child{color:#b26a00}
        section{margin-bottom:1.2em}.target{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:.8em 1em}
        .state{font-weight:bold;padding:0 .4em;border-radius:3px;color:#fff}.state.up{background:#1a7f37}.state.down{background:#c62828}
        .reason{color:#c62828;margin:.3em 0}.drift{color:#b26a00;margin:.3em 0}.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}
        figcaption{color:#5b6571}figcaption b{color:#1d232a}.range{display:block;color:#8a939d;font-size:11px}
        .sparkline{display:block;background:#f6f7f9;border-radius:3px}.sparkline path{fill:none;stroke:#1f6feb;stroke-width:1.5}
        .sparkline text{fill:#8a939d;font-size:11px}
        tr.soon td:first-child{color:#c62828;font-weight:bold}h3{font-size:1em;margin:.2em 0;color:#5b6571}
        .lists{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:.4em 1.5em;margin:.4em 0 .8em}
        .lists ol{margin:0;padding-left:1.4em}.lists b{white-space:nowrap}.none{color:#8a939d;margin:0}.pools{margin:.4em 0 .8em}tr.waiting td{color:#b26a00;font-weight:bold}
        """
}
