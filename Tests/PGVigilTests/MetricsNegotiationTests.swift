// Unit tests of reading what a /metrics request asks for, and of remembering it for the next scrape.
import Exposition
import NIOHTTP1
import Testing

@testable import HTTP

@Suite struct MetricsNegotiationTests {
    /// Prometheus 2.42's scrape headers.
    private let prometheus: HTTPHeaders = [
        "Accept":
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
        "Accept-Encoding": "gzip",
    ]

    @Test func theRememberedAnswerIsGivenOnlyToTheSameHeaders() {
        let negotiation = MetricsNegotiation()
        let openMetricsGzip = MetricsNegotiation.Answer(format: .openMetrics, gzip: true)
        #expect(negotiation.answer(for: prometheus) == openMetricsGzip)
        #expect(negotiation.answer(for: prometheus) == openMetricsGzip)
        var noGzip = prometheus
        noGzip.replaceOrAdd(name: "Accept-Encoding", value: "gzip;q=0")
        #expect(negotiation.answer(for: noGzip) == MetricsNegotiation.Answer(format: .openMetrics, gzip: false))
        var textOnly = prometheus
        textOnly.replaceOrAdd(name: "Accept", value: "text/plain;version=0.0.4")
        #expect(negotiation.answer(for: textOnly) == MetricsNegotiation.Answer(format: .prometheusText, gzip: true))
        #expect(negotiation.answer(for: [:]) == MetricsNegotiation.Answer(format: .prometheusText, gzip: false))
        #expect(negotiation.answer(for: prometheus) == openMetricsGzip)
    }

    @Test func gzipIsAcceptedWhenNamedOrByTheWildcardWithAQualityAboveZero() {
        #expect(MetricsNegotiation.acceptsGzip(["deflate, GZIP;q=0.8"]))
        #expect(MetricsNegotiation.acceptsGzip(["br", "*"]))
        #expect(!MetricsNegotiation.acceptsGzip(["gzip;q=0"]))
        #expect(!MetricsNegotiation.acceptsGzip(["deflate"]))
        #expect(!MetricsNegotiation.acceptsGzip([]))
    }
}
