// Unit tests of the HTTP routes: status codes, content types, gzip negotiation, readiness.
import Alerting
import NIOCore
import NIOHTTP1
import Testing

@testable import Collectors
@testable import Exposition
@testable import HTTP
@testable import PGVigil
@testable import Sampler
@testable import Store

@Suite struct RouterTests {
    private let now = 1_000_000.0

    private func status(_ name: String, lastSuccess: Double?, failure: String? = nil) -> TargetStatus {
        var status = TargetStatus(name: name, labels: [Label("target", name)], interval: 15)
        status.up = lastSuccess != nil
        status.lastSuccess = lastSuccess
        status.failureReason = failure
        return status
    }

    private func router(
        _ statuses: [TargetStatus], archive: SeriesArchive = SeriesArchive(), texts: StatementTextCatalog = StatementTextCatalog()
    ) -> Router {
        let families = [
            MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: statuses.map { Sample(labels: $0.labels, value: $0.up ? 1 : 0) })
        ]
        let exposition = RenderedExposition(families: families, lastSuccess: statuses.map { ($0.labels, $0.lastSuccess) })
        var perTarget: [String: LazyExposition] = [:]
        for status in statuses {
            perTarget[status.name] = LazyExposition(
                encoded: [
                    EncodedFamilies([MetricFamily(name: "pg_up", help: "up", type: .gauge, samples: [Sample(labels: status.labels, value: 1)])])
                ],
                lastSuccess: [(status.labels, status.lastSuccess)])
        }
        let now = self.now
        return Router(
            state: ServedState(ServedSnapshot(exposition: exposition, perTarget: perTarget, targets: statuses)), alerts: AlertBoard([]),
            seriesHistory: SeriesHistoryAPI(archive: archive, history: 3600), statementTexts: texts,
            statusPage: StatusPage(archive: archive, history: 3600),
            wallClock: { now })
    }

    private func request(_ method: HTTPMethod, _ uri: String, headers: HTTPHeaders = [:]) -> HTTPRequestHead {
        HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
    }

    @Test func metricsServesTheTextFormat() {
        let response = router([status("a", lastSuccess: now - 3)]).respond(to: request(.GET, "/metrics"))
        #expect(response.status == .ok)
        #expect(response.headers["Content-Type"] == ["text/plain; version=0.0.4; charset=utf-8"])
        let body = String(buffer: response.body)
        #expect(body.contains("pg_up{target=\"a\"} 1\n"))
        #expect(body.contains("pgvigil_last_sample_age_seconds{target=\"a\"} 3\n"))
    }

    @Test func gzipWhenAcceptedAndNotWhenRefused() throws {
        let router = router([status("a", lastSuccess: now)])
        let gzipped = router.respond(to: request(.GET, "/metrics", headers: ["Accept-Encoding": "deflate, gzip;q=0.8"]))
        #expect(gzipped.headers["Content-Encoding"] == ["gzip"])
        let plain = try gzipped.body.gunzipped()
        #expect(String(buffer: plain).contains("pg_up{target=\"a\"} 1"))
        let refused = router.respond(to: request(.GET, "/metrics", headers: ["Accept-Encoding": "gzip;q=0"]))
        #expect(refused.headers["Content-Encoding"].isEmpty)
    }

    @Test func probeServesOneTargetAndNamesUnknownOnes() {
        let router = router([status("a", lastSuccess: now), status("b", lastSuccess: now)])
        let probe = router.respond(to: request(.GET, "/probe?target=b"))
        #expect(probe.status == .ok)
        #expect(!String(buffer: probe.body).contains("target=\"a\""))
        let unknown = router.respond(to: request(.GET, "/probe?target=zz"))
        #expect(unknown.status == .notFound)
        #expect(String(buffer: unknown.body).contains("a, b"))
        #expect(router.respond(to: request(.GET, "/probe")).status == .badRequest)
    }

    @Test func onlyReadyzAnswersReadiness() {
        let router = router([status("a", lastSuccess: now)])
        for route in Router.Route.allCases {
            let uri = route.example.split(separator: "NAME").joined(separator: route == .series ? "pg_up" : "a")
            let body = String(buffer: router.respond(to: request(.GET, uri)).body)
            // Readiness documents are the only ones whose first (sorted) key is status.
            let isReadiness = body.hasPrefix(#"{"status":"ready""#) || body.hasPrefix(#"{"status":"not ready""#)
            #expect(isReadiness == (route == .readyz), "\(route.rawValue) answered \(body.prefix(60))")
        }
    }

    @Test func unknownPathIs404AndWrongMethodIs405() {
        let router = router([status("a", lastSuccess: now)])
        #expect(router.respond(to: request(.GET, "/nope")).status == .notFound)
        let post = router.respond(to: request(.POST, "/metrics"))
        #expect(post.status == .methodNotAllowed)
        #expect(post.headers["Allow"] == ["GET, HEAD"])
        #expect(router.respond(to: request(.HEAD, "/healthz")).status == .ok)
    }

    @Test func readyOnlyWhenEveryTargetWasSampledWithinTwoIntervals() {
        #expect(router([status("a", lastSuccess: now - 29)]).respond(to: request(.GET, "/readyz")).status == .ok)
        let stale = router([status("a", lastSuccess: now - 10), status("b", lastSuccess: now - 31)]).respond(to: request(.GET, "/readyz"))
        #expect(stale.status == .serviceUnavailable)
        #expect(String(buffer: stale.body) == #"{"status":"not ready","targets":[{"reason":"last successful sample 31s ago","target":"b"}]}"# + "\n")
        let down = router([status("c", lastSuccess: nil, failure: "connection refused \"x\"")]).respond(to: request(.GET, "/readyz"))
        #expect(String(buffer: down.body).contains(#"{"reason":"connection refused \"x\"","target":"c"}"#))
    }

    @Test func queryParametersArePercentDecoded() {
        let (path, query) = Router.split("/probe?target=db%3A5432&x=a+b&target=second")
        #expect(path == "/probe")
        #expect(query["target"] == "db:5432")
        #expect(query["x"] == "a b")
    }

    @Test func seriesHistoryReturnsTheSelectedSeriesWithinTheWindow() {
        let archive = SeriesArchive()
        for step in 0..<10 {
            let families = [
                MetricFamily(
                    name: "pg_database_size_bytes", help: "", type: .gauge,
                    samples: [
                        Sample(labels: [Label("target", "a"), Label("datname", "app")], value: Double(step)),
                        Sample(labels: [Label("target", "b"), Label("datname", "app")], value: 100),
                    ])
            ]
            archive.append(
                families, source: SeriesSource(target: "primary", collector: "test"), timestamp: now - 60 * Double(9 - step), capacity: 100,
                retention: 3600)
        }
        let router = router([status("a", lastSuccess: now)], archive: archive)
        let response = router.respond(to: request(.GET, "/api/v1/series?match=pg_database_size_bytes%7Btarget%3D%22a%22%7D&window=2m"))
        #expect(response.status == .ok)
        let body = String(buffer: response.body)
        #expect(
            body
                == #"{"data":{"result":[{"metric":{"__name__":"pg_database_size_bytes","datname":"app","target":"a"},"values":[[999880,"7"],[999940,"8"],[1000000,"9"]]}],"resultType":"matrix"},"status":"success"}"#
                + "\n")
        let all = String(buffer: router.respond(to: request(.GET, "/api/v1/series?match=pg_database_size_bytes")).body)
        #expect(all.components(separatedBy: "\"values\"").count == 3)
    }

    @Test func seriesHistoryNamesTheBadParameter() {
        let router = router([status("a", lastSuccess: now)])
        let missing = router.respond(to: request(.GET, "/api/v1/series"))
        #expect(missing.status == .badRequest)
        #expect(String(buffer: missing.body).contains("missing query parameter: match"))
        let badSelector = String(buffer: router.respond(to: request(.GET, "/api/v1/series?match=pg_up%7Btarget%3D")).body)
        #expect(badSelector.contains(#""error":"match: column 14: expected a quoted value","errorType":"bad_data""#))
        let badWindow = String(buffer: router.respond(to: request(.GET, "/api/v1/series?match=pg_up&window=soon")).body)
        #expect(badWindow.contains(#"window: \"soon\" is not a duration"#))
    }

    /// Once a crash: the sum of the parts overflowed Int64 and trapped.
    @Test func overflowingAndOverlongWindowsAre400() {
        let router = router([status("a", lastSuccess: now)])
        for (window, reason) in [
            ("106000000000d1000000000000h", "is longer than 10y"), ("9223372036854775807ms1ms", "is longer than 10y"),
            ("99999999999999999999s", "is longer than 10y"), ("2h", "outside 1ms to 1h"), ("0s", "outside 1ms to 1h"),
        ] {
            let response = router.respond(to: request(.GET, "/api/v1/series?match=pg_up&window=" + window))
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).contains(reason), "\(window)")
        }
    }

    @Test func longWindowsReadTheTiersOnTheAPIAndTheStatusPage() {
        // 2 days of a minute-by-minute gauge; the raw hour of history, 5-minute steps kept 8 days.
        let archive = SeriesArchive(tiers: [HistoryTier(step: 300, keep: 8 * 86_400)])
        for minute in stride(from: 2 * 1440, through: 0, by: -1) {
            archive.append(
                [
                    MetricFamily(
                        name: "pg_connections", help: "", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: Double(minute % 7))])
                ],
                source: SeriesSource(target: "a", collector: "activity"), timestamp: now - 60 * Double(minute), capacity: 60, retention: 3600)
        }
        let router = router([status("a", lastSuccess: now)], archive: archive)
        let day = String(buffer: router.respond(to: request(.GET, "/api/v1/series?match=pg_connections&window=1d")).body)
        // 23 hours of 5-minute steps, then the raw hour.
        #expect(day.components(separatedBy: "],[").count > 23 * 12 + 60 - 3)
        let maximums = String(buffer: router.respond(to: request(.GET, "/api/v1/series?match=pg_connections&window=1d&consolidation=max")).body)
        // Each step's largest of 0…6 is 4 or more; averages are fractions.
        #expect(maximums != day && maximums.contains(#","6"]"#) && day.contains(#","3"]"#))
        let bad = router.respond(to: request(.GET, "/api/v1/series?match=pg_connections&consolidation=median"))
        #expect(bad.status == .badRequest && String(buffer: bad.body).contains("consolidation: median is not one of min, avg, max"))
        let tooLong = router.respond(to: request(.GET, "/api/v1/series?match=pg_connections&window=9d"))
        #expect(tooLong.status == .badRequest && String(buffer: tooLong.body).contains("outside 1ms to 1w1d"))
        // The status page links the tier's reach and draws from it when asked.
        let page = String(buffer: router.respond(to: request(.GET, "/")).body)
        #expect(page.contains(#"history <b>1h 0m</b> <a href="/?window=1w1d">8d 0h</a>"#))
        let week = router.respond(to: request(.GET, "/?window=1w1d"))
        #expect(week.status == .ok && String(buffer: week.body).contains(#"history <a href="/?window=1h">1h 0m</a> <b>8d 0h</b>"#))
        #expect(router.respond(to: request(.GET, "/?window=1y")).status == .badRequest)
    }

    @Test func overlongSelectorsAndCostlyRegexesAre400() {
        let archive = SeriesArchive()
        let samples = (0..<200).map {
            Sample(labels: [Label("target", "a"), Label("relname", String(repeating: "x", count: 60) + "\($0)")], value: 1)
        }
        archive.append(
            [MetricFamily(name: "pg_table_size_bytes", help: "", type: .gauge, samples: samples)],
            source: SeriesSource(target: "a", collector: "test"),
            timestamp: now, capacity: 4, retention: 3600)
        var api = SeriesHistoryAPI(archive: archive, history: 3600)
        let long = api.respond(query: ["match": "pg_up{target=~\"" + String(repeating: "a", count: 5000) + "\"}"], now: now)
        #expect(String(buffer: long.body).contains("at most 4096 are allowed"))
        api.matchStepBudget = 10_000
        let costly = api.respond(query: ["match": #"pg_table_size_bytes{relname=~"(x|x|x|x)*y"}"#], now: now)
        #expect(costly.status == .badRequest)
        #expect(String(buffer: costly.body).contains("narrow the selector"))
        api.matchStepBudget = 10_000_000
        let answered = api.respond(query: ["match": #"pg_table_size_bytes{relname=~"(x|x|x|x)*1.*"}"#], now: now)
        #expect(String(buffer: answered.body).components(separatedBy: "\"values\"").count == 1 + 111)
    }

    @Test func statementsServesTheCatalogPerTarget() {
        let texts = StatementTextCatalog()
        texts.update(
            target: "a", statements: [StatementText(queryid: "7", datname: "app", usename: "web", calls: 2, execTimeSeconds: 0.5, query: "SELECT $1")]
        )
        let router = router([status("a", lastSuccess: now)], texts: texts)
        let response = router.respond(to: request(.GET, "/api/v1/statements?target=a"))
        #expect(response.status == .ok)
        #expect(
            String(buffer: response.body).contains(
                #""calls":2,"datname":"app","exec_time_seconds":0.5,"query":"SELECT $1","queryid":"7","target":"a","usename":"web""#))
        #expect(!String(buffer: router.respond(to: request(.GET, "/api/v1/statements?target=b")).body).contains("queryid"))
    }
}
