// Unit tests of the text format encoder: escaping, value formatting, merging and deduplication.

import NIOCore
import Testing

@testable import Exposition
@testable import PGVigil
@testable import Store

@Suite struct PrometheusTextEncoderTests {
    private func render(_ families: [MetricFamily]) -> String {
        var buffer = ByteBuffer()
        for family in FamilyMerger.merge(families) { PrometheusTextEncoder.write(family, into: &buffer) }
        return String(buffer: buffer)
    }

    @Test func escapesLabelValuesAndHelp() {
        let family = MetricFamily(
            name: "pg_x_bytes", help: "back\\slash and\nnewline \"kept\"", type: .gauge,
            samples: [Sample(labels: [Label("relname", "we\"ird\\tab\nle€")], value: 1)])
        #expect(
            render([family]) == """
                # HELP pg_x_bytes back\\\\slash and\\nnewline "kept"
                # TYPE pg_x_bytes gauge
                pg_x_bytes{relname="we\\"ird\\\\tab\\nle€"} 1

                """)
    }

    @Test func formatsValues() {
        #expect(PrometheusTextEncoder.formatValue(3) == "3")
        #expect(PrometheusTextEncoder.formatValue(-0.25) == "-0.25")
        #expect(PrometheusTextEncoder.formatValue(123456789012) == "123456789012")
        #expect(PrometheusTextEncoder.formatValue(1e20) == "1e+20")
        #expect(PrometheusTextEncoder.formatValue(.infinity) == "+Inf")
        #expect(PrometheusTextEncoder.formatValue(-.infinity) == "-Inf")
    }

    @Test func mergesFamiliesByNameSortsThemAndDropsDuplicateSeries() {
        let a = MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: 1)])
        let b = MetricFamily(
            name: "pg_up", help: "up", type: .gauge,
            samples: [
                Sample(labels: [Label("target", "b")], value: 0),
                Sample(labels: [Label("target", "a")], value: 0),
            ])
        let c = MetricFamily(name: "pg_alpha", help: "first", type: .counter, samples: [Sample(value: 7)])
        let nan = MetricFamily(name: "pg_zeta", help: "undefined", type: .gauge, samples: [Sample(value: .nan)])
        #expect(
            render([a, b, c, nan]) == """
                # HELP pg_alpha first
                # TYPE pg_alpha counter
                pg_alpha 7
                # HELP pg_up up
                # TYPE pg_up gauge
                pg_up{target="a"} 1
                pg_up{target="b"} 0

                """)
    }

    @Test func ageFamilyIsRenderedAtScrapeTimeBetweenTheOthers() {
        let families = [
            MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: 1)]),
            MetricFamily(name: "pgvigil_build_info", help: "build", type: .gauge, samples: [Sample(labels: [Label("version", "1")], value: 1)]),
            MetricFamily(name: "pgvigil_series", help: "z", type: .gauge, samples: [Sample(value: 3)]),
        ]
        let rendered = RenderedExposition(families: families, lastSuccess: [([Label("target", "a")], 100), ([Label("target", "b")], nil)])
        let body = String(buffer: rendered.body(now: 112.5))
        let names = body.split(separator: "\n").filter { $0.hasPrefix("# TYPE") }.map { $0.split(separator: " ")[2] }
        #expect(names == ["pg_up", "pgvigil_build_info", "pgvigil_last_sample_age_seconds", "pgvigil_series"])
        #expect(body.contains("pgvigil_last_sample_age_seconds{target=\"a\"} 12.5\n"))
        #expect(!body.contains("target=\"b\"} "))
    }

    @Test func encodedSourcesMergeIntoOneHeaderPerFamily() {
        let a = EncodedFamilies([MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: 1)])])
        let b = EncodedFamilies([
            MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [Label("target", "b")], value: 0)]),
            MetricFamily(name: "pg_a_total", help: "a", type: .counter, samples: [Sample(labels: [Label("target", "b")], value: 2)]),
        ])
        let body = String(buffer: RenderedExposition(encoded: [a, b], lastSuccess: []).body(now: 0))
        #expect(
            body == """
                # HELP pg_a_total a
                # TYPE pg_a_total counter
                pg_a_total{target="b"} 2
                # HELP pg_up up
                # TYPE pg_up gauge
                pg_up{target="a"} 1
                pg_up{target="b"} 0

                """)
    }

    @Test func renderedSourcesRenderTheSameBodyAgain() throws {
        let a = EncodedFamilies([MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: 1)])])
        let b = EncodedFamilies([
            MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [Label("target", "b")], value: 0)]),
            MetricFamily(name: "pg_a_total", help: "a", type: .counter, samples: [Sample(labels: [Label("target", "b")], value: 2)]),
        ])
        let lastSuccess: [(labels: [Label], timestamp: Double?)] = [([Label("target", "a")], 90)]
        let first = RenderedExposition(encoded: [a, b], lastSuccess: lastSuccess)
        // Each source keeps its own families, their lines now slices of the rendering.
        #expect(first.sources.map { Set($0.families.keys) } == [["pg_up"], ["pg_up", "pg_a_total"]])
        #expect(String(buffer: try #require(first.sources[1].families["pg_up"]).lines) == "pg_up{target=\"b\"} 0\n")
        let second = RenderedExposition(encoded: first.sources, lastSuccess: lastSuccess)
        let lazy = LazyExposition(encoded: [a], lastSuccess: lastSuccess)
        lazy.relocate([first.sources[1]])
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            #expect(String(buffer: second.body(now: 100, format: format)) == String(buffer: first.body(now: 100, format: format)))
            #expect(try #require(second.gzipBody(now: 100, format: format)).gunzipped() == first.body(now: 100, format: format))
            // Not rendered yet: it renders what it was handed last.
            #expect(String(buffer: lazy.exposition.body(now: 100, format: format)).contains("pg_a_total{target=\"b\"} 2\n"))
        }
    }

    @Test func aLazyExpositionServesWhatRenderingAtOnceWould() throws {
        let families = EncodedFamilies([
            MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: 1)]),
            MetricFamily(name: "pg_a_total", help: "a", type: .counter, samples: [Sample(labels: [Label("target", "a")], value: 2)]),
        ])
        let lastSuccess: [(labels: [Label], timestamp: Double?)] = [([Label("target", "a")], 90)]
        let eager = RenderedExposition(encoded: [families], lastSuccess: lastSuccess)
        let lazy = LazyExposition(encoded: [families], lastSuccess: lastSuccess)
        for format in [ExpositionFormat.prometheusText, .openMetrics] {
            let expected = String(buffer: eager.body(now: 100, format: format))
            #expect(expected.contains("pgvigil_last_sample_age_seconds{target=\"a\"} 10\n"))
            // The first request renders, the second is served what it rendered.
            #expect(String(buffer: lazy.exposition.body(now: 100, format: format)) == expected)
            #expect(String(buffer: lazy.exposition.body(now: 100, format: format)) == expected)
            let gzip = try #require(lazy.exposition.gzipBody(now: 100, format: format))
            #expect(gzip == eager.gzipBody(now: 100, format: format))
        }
    }
}
