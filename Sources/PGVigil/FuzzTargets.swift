// The parsers the network and config files reach, as entry points for the fuzzers and their corpus replay.
import Alerting
import Config
import Exposition
import HTTP
import NIOCore
import NIOHTTP1
import Sampler
import Store
import Support

/// Entry points for `pgvigil-fuzz` (libFuzzer) and for replaying its corpus in the unit tests.
/// Each takes arbitrary bytes, drives one parser that untrusted input reaches, and checks the
/// invariants that must hold whatever the input; a broken invariant traps, which the fuzzer
/// reports as a crash with the input that caused it.
package enum FuzzTargets {
    /// The targets by name: `request` (a request URI through the router, including
    /// `/api/v1/series` parameters), `expression` (selectors, rule expressions, durations and
    /// regular expressions), `config` (a YAML config file through decoding and validation).
    package static let all: [String: @Sendable ([UInt8]) -> Void] = [
        "request": request, "expression": expression, "config": config,
    ]

    /// One request line's URI, answered by a router over a small archive.
    package static func request(_ bytes: [UInt8]) {
        let uri = String(decoding: bytes, as: UTF8.self)
        let response = fuzzRouter.respond(to: HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: ["Accept-Encoding": "gzip"]))
        precondition([200, 400, 404, 405].contains(response.status.code), "unexpected status \(response.status) for \(uri)")
        if response.status == .badRequest, uri.hasPrefix("/api/v1/series") {
            precondition(String(buffer: response.body).contains("\"errorType\":\"bad_data\""), "a 400 without its reason")
        }
    }

    /// The text as a series selector, a rule expression, a duration and a regular expression;
    /// a regular expression that compiles is matched against a few values within a step budget.
    package static func expression(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if let selector = try? SeriesSelector(parsing: text) {
            var budget = 1_000_000
            _ = selector.selects(labels: [Label("target", "primary"), Label("datname", text)], budget: &budget)
        }
        if let expression = try? RuleExpressionParser.parse(text) {
            precondition(!expression.metric.isEmpty, "a rule without a metric")
        }
        if let duration = try? ConfigDuration(validating: text) {
            precondition(duration.duration >= .zero && duration.duration <= ConfigDuration.maximum, "duration out of range: \(text)")
            precondition(ConfigDuration(parsing: duration.description)?.duration == duration.duration, "duration does not round-trip: \(text)")
        }
        if let regex = try? LinearRegex(text) {
            for value in ["", "primary", text, String(repeating: "a", count: 200)] {
                var budget = 10_000_000
                precondition(regex.wholeMatch(value, budget: &budget) != nil, "a bounded pattern ran out of budget: \(text)")
            }
        }
    }

    /// The bytes as a config file: decoded (or rejected with a located, non-empty error), then
    /// validated by Config and by every layer's plan; and as a web config file, decoded and
    /// checked. A problem there is fine, a crash is not.
    package static func config(_ bytes: [UInt8]) {
        do {
            let (config, _) = try ConfigLoader.parse(yaml: bytes, file: "fuzz.yaml")
            if (try? ConfigValidator.validate(config)) != nil {
                _ = try? AgentSetup.make(from: config, environment: [:])
            }
        } catch {
            precondition(!error.description.isEmpty, "an error without a message")
        }
        do {
            var (web, _) = try ConfigLoader.decode(WebConfig.self, yaml: bytes, file: "web.yml", empty: WebConfig())
            if (try? WebConfigValidator.validate(web)) != nil {
                // Not the files a fuzzed tls_server_config names (one could be a FIFO that blocks).
                web.tlsServerConfig = nil
                _ = try? AgentSetup.make(from: AgentConfig(), web: web, environment: [:])
            }
        } catch {
            precondition(!error.description.isEmpty, "an error without a message")
        }
    }

    /// A router over an archive with a few series, as the request target answers with.
    private static let fuzzRouter: Router = {
        let archive = SeriesArchive()
        let labels = [Label("target", "primary"), Label("datname", "app")]
        for step in 0..<5 {
            archive.append(
                [MetricFamily(name: "pg_up", help: "", type: .gauge, samples: [Sample(labels: labels, value: 1)])],
                source: SeriesSource(target: "primary", collector: "fuzz"), timestamp: 1_000_000 + Double(step), capacity: 8, retention: 3600)
        }
        var status = TargetStatus(name: "primary", labels: [labels[0]], interval: 15)
        status.up = true
        status.lastSuccess = 1_000_004
        let encoded = EncodedFamilies([MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: [labels[0]], value: 1)])])
        let lastSuccess: [(labels: [Label], timestamp: Double?)] = [([labels[0]], 1_000_004)]
        let exposition = RenderedExposition(encoded: [encoded], lastSuccess: lastSuccess)
        return Router(
            state: ServedState(
                ServedSnapshot(
                    exposition: exposition, perTarget: ["primary": LazyExposition(encoded: [encoded], lastSuccess: lastSuccess)],
                    targets: [status])),
            alerts: AlertBoard([]),
            seriesHistory: SeriesHistoryAPI(archive: archive, history: 3600), statementTexts: StatementTextCatalog(),
            statusPage: StatusPage(archive: archive, history: 3600), wallClock: { 1_000_005 })
    }()
}
