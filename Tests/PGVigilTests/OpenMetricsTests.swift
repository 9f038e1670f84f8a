// Unit tests of OpenMetrics output and of choosing a format from the Accept header.
import Alerting
import NIOCore
import NIOHTTP1
import Testing

@testable import Exposition
@testable import HTTP
@testable import PGVigil
@testable import Sampler
@testable import Store

@Suite struct OpenMetricsTests {
    private let families = [
        MetricFamily(
            name: "pg_stat_database_deadlocks_total", help: "Deadlocks \"detected\".", type: .counter,
            samples: [
                Sample(labels: [Label("target", "a"), Label("datname", "app")], value: 3)
            ]),
        MetricFamily(name: "pg_up", help: "Up.", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: 1)]),
    ]

    @Test func countersAreNamedWithoutTotalAndTheBodyEndsWithEOF() throws {
        let exposition = RenderedExposition(families: families, lastSuccess: [([Label("target", "a")], 90)])
        let body = String(buffer: exposition.body(now: 100, format: .openMetrics))
        #expect(
            body == """
                # HELP pg_stat_database_deadlocks Deadlocks \\"detected\\".
                # TYPE pg_stat_database_deadlocks counter
                pg_stat_database_deadlocks_total{target="a",datname="app"} 3
                # HELP pg_up Up.
                # TYPE pg_up gauge
                pg_up{target="a"} 1
                # HELP pgvigil_last_sample_age_seconds Seconds since the target's last successful sampling cycle.
                # TYPE pgvigil_last_sample_age_seconds gauge
                pgvigil_last_sample_age_seconds{target="a"} 10
                # EOF

                """)
        // Gzip joins the parts deflated at render time with the age family deflated now.
        let gzip = try #require(exposition.gzipBody(now: 100, format: .openMetrics))
        #expect(String(buffer: try gzip.gunzipped()) == body)
        // Text 0.0.4 keeps the _total name in its metadata and has no # EOF.
        let text = String(buffer: exposition.body(now: 100))
        #expect(text.contains("# TYPE pg_stat_database_deadlocks_total counter\n") && !text.contains("# EOF"))
    }

    @Test func acceptChoosesTheFormat() {
        // Prometheus 2.42's default scrape Accept header.
        let prometheus =
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
        #expect(ExpositionFormat.negotiate(accept: [prometheus]) == .openMetrics)
        #expect(ExpositionFormat.negotiate(accept: []) == .prometheusText)
        #expect(ExpositionFormat.negotiate(accept: ["*/*"]) == .prometheusText)
        #expect(ExpositionFormat.negotiate(accept: ["text/plain; version=0.0.4"]) == .prometheusText)
        #expect(ExpositionFormat.negotiate(accept: ["application/openmetrics-text; version=0.0.1"]) == .prometheusText)
        #expect(ExpositionFormat.negotiate(accept: ["text/plain;q=0.2, application/openmetrics-text;q=0.9"]) == .openMetrics)
        #expect(ExpositionFormat.negotiate(accept: ["application/openmetrics-text;q=0"]) == .prometheusText)
    }

    @Test func metricsAnswersInTheNegotiatedFormat() {
        let state = ServedState(
            ServedSnapshot(
                exposition: RenderedExposition(families: families, lastSuccess: []), perTarget: [:], targets: []))
        let router = Router(
            state: state, alerts: AlertBoard([]), seriesHistory: SeriesHistoryAPI(archive: SeriesArchive(), history: 60),
            statementTexts: StatementTextCatalog(),
            statusPage: StatusPage(archive: SeriesArchive(), history: 60), wallClock: { 0 })
        let head = HTTPRequestHead(
            version: .http1_1, method: .GET, uri: "/metrics", headers: ["Accept": "application/openmetrics-text; version=1.0.0"])
        let response = router.respond(to: head)
        #expect(response.headers["Content-Type"] == ["application/openmetrics-text; version=1.0.0; charset=utf-8"])
        #expect(String(buffer: response.body).hasSuffix("# EOF\n"))
        #expect(response.headers["Vary"] == ["Accept, Accept-Encoding"])
    }
}
