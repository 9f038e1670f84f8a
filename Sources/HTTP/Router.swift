// Maps a request to its response from the served snapshot; pure, so it is unit tested without sockets.
import Alerting
import Exposition
import NIOCore
import NIOHTTP1
import Sampler
import Store
import Support

/// Answers requests: / (the status page), /metrics, /probe, /healthz, /readyz, /api/v1/alerts, /api/v1/series,
/// /api/v1/statements, and POST /-/reload (which `reloadRequest` hands to the reloader); 404 for
/// unknown paths, 405 for methods other than GET and HEAD. Reads only the pre-rendered snapshot and
/// the history: it never waits on PostgreSQL.
package struct Router: Sendable {
    /// The snapshot holder the sampler keeps current.
    package let state: ServedState
    /// The pending and firing alerts, as alerting last published them.
    package let alerts: AlertBoard
    /// History queries over the stored series.
    package let seriesHistory: SeriesHistoryAPI
    /// The query texts of the statements collector's top statements.
    package let statementTexts: StatementTextCatalog
    /// The HTML page at /.
    package let statusPage: StatusPage
    /// The credentials (and the rest of the web config's settings), as the last reload left them.
    package let access: EndpointAccessState
    /// Asks for a reload of the configuration; the future completes, on the given event loop,
    /// with how it went.
    package typealias Reload = @Sendable (any EventLoop) -> EventLoopFuture<HTTPResponse>
    /// `POST /-/reload`; nil: the agent has nothing to reload.
    package let reload: Reload?
    /// Wall-clock seconds since 1970, for the age family and readiness.
    package let wallClock: @Sendable () -> Double

    /// The share of the targets this agent samples (`INDEX/TOTAL`, in /readyz), nil when it samples them all.
    private let shard: String?
    /// The formats and encodings /metrics requests ask for.
    private let negotiation = MetricsNegotiation()

    /// Creates the router over what the sampler, alerting and the store publish.
    package init(
        state: ServedState, alerts: AlertBoard, seriesHistory: SeriesHistoryAPI, statementTexts: StatementTextCatalog, statusPage: StatusPage,
        access: EndpointAccessState = EndpointAccessState(EndpointAccess()), reload: Reload? = nil, shard: String? = nil,
        wallClock: @escaping @Sendable () -> Double
    ) {
        self.reload = reload
        self.shard = shard
        self.state = state
        self.alerts = alerts
        self.seriesHistory = seriesHistory
        self.statementTexts = statementTexts
        self.statusPage = statusPage
        self.access = access
        self.wallClock = wallClock
    }

    /// The paths the router answers; each has its own case in `respond`, so a path cannot be
    /// listed without an answer of its own.
    enum Route: String, CaseIterable {
        case statusPage = "/"
        case metrics = "/metrics"
        case probe = "/probe"
        case healthz = "/healthz"
        case readyz = "/readyz"
        case alerts = "/api/v1/alerts"
        case series = "/api/v1/series"
        case statements = "/api/v1/statements"
        case reload = "/-/reload"

        /// The path as a person would try it, with its required parameter.
        var example: String {
            switch self {
            case .probe: rawValue + "?target=NAME"
            case .series: rawValue + "?match=NAME"
            default: rawValue
            }
        }
    }

    /// What `head`'s credentials need before `respond(to:)` may answer it (`HTTPRequestHandler`
    /// runs a password check off the event loop).
    package func verdict(for head: HTTPRequestHead) -> HTTPAuthenticator.Verdict {
        access.current.authenticator?.verdict(path: Self.split(head.uri).path, headers: head.headers) ?? .permitted
    }

    /// The answer to a request whose credentials were refused.
    package var unauthorized: HTTPResponse {
        .text(
            .unauthorized, "authentication required",
            headers: ["WWW-Authenticate": access.current.authenticator?.challenge ?? #"Basic realm="pgvigil""#])
    }

    /// The reload `head` asks for (`POST` or `PUT` on /-/reload, as Prometheus takes them), once
    /// its credentials were permitted; nil for every other request (`respond(to:)` answers it).
    package func reloadRequest(_ head: HTTPRequestHead) -> Reload? {
        guard Self.split(head.uri).path == Route.reload.rawValue, head.method == .POST || head.method == .PUT else { return nil }
        return reload
    }

    /// The response to `head`, whose credentials `verdict(for:)` permitted.
    package func respond(to head: HTTPRequestHead) -> HTTPResponse {
        let (path, query) = Self.split(head.uri)
        guard let route = Route(rawValue: path) else {
            return .text(.notFound, "not found: \(path) (try \(Route.allCases.map(\.example).joined(separator: ", ")))")
        }
        if route == .reload {
            guard reload != nil else { return .text(.notFound, "this agent was started without a config to reload") }
            return .text(.methodNotAllowed, "method \(head.method.rawValue) not allowed on \(path); use POST", headers: ["Allow": "POST, PUT"])
        }
        guard head.method == .GET || head.method == .HEAD else {
            return .text(.methodNotAllowed, "method \(head.method.rawValue) not allowed on \(path)", headers: ["Allow": "GET, HEAD"])
        }
        let snapshot = state.current
        let now = wallClock()
        switch route {
        case .metrics:
            return metrics(snapshot.exposition, now: now, head: head)
        case .probe:
            guard let name = query["target"], !name.isEmpty else {
                return .text(.badRequest, "missing query parameter: target (e.g. /probe?target=primary)")
            }
            guard let exposition = snapshot.perTarget[name] else {
                let known = snapshot.targets.map(\.name).joined(separator: ", ")
                return .text(.notFound, "unknown target \"\(name)\"; targets are: \(known)")
            }
            return metrics(exposition.exposition, now: now, head: head)
        case .healthz:
            return .text(.ok, "ok")
        case .alerts:
            return .json(.ok, ActiveAlert.document(alerts.current))
        case .series:
            return seriesHistory.respond(query: query, now: now)
        case .statusPage:
            let window: Double
            do {
                window = try HistoryWindow.seconds(
                    query["window"], history: statusPage.history, reach: statusPage.archive.reach(history: statusPage.history))
            } catch {
                return .text(.badRequest, error.message)
            }
            return HTTPResponse(
                status: .ok, contentType: "text/html; charset=utf-8",
                body: ByteBuffer(string: statusPage.render(snapshot, alerts: alerts.current, now: now, window: window)))
        case .statements:
            return .json(.ok, statementTexts.document(target: query["target"]))
        case .readyz:
            return readiness(snapshot.targets, now: now)
        case .reload:
            return .text(.methodNotAllowed, "use POST", headers: ["Allow": "POST, PUT"])  // answered above
        }
    }

    private func metrics(_ exposition: RenderedExposition, now: Double, head: HTTPRequestHead) -> HTTPResponse {
        let asked = negotiation.answer(for: head.headers)
        let format = asked.format
        var headers: HTTPHeaders = ["Vary": "Accept, Accept-Encoding"]
        let body: ByteBuffer
        if asked.gzip, let compressed = exposition.gzipBody(now: now, format: format) {
            body = compressed
            headers.add(name: "Content-Encoding", value: "gzip")
        } else {
            body = exposition.body(now: now, format: format)
        }
        return HTTPResponse(status: .ok, contentType: format.contentType, body: body, headers: headers)
    }

    private func readiness(_ targets: [TargetStatus], now: Double) -> HTTPResponse {
        let failing = targets.compactMap { target in target.notReadyReason(now: now).map { (target.name, $0) } }
        if failing.isEmpty {
            return .json(.ok, JSON.text(Ready(targets: targets.count, shard: shard)))
        }
        return .json(
            .serviceUnavailable, JSON.text(NotReady(targets: failing.map { NotReady.Target(target: $0.0, reason: $0.1) }, shard: shard)))
    }

    /// /readyz when every target is ready: how many there are.
    private struct Ready: Encodable {
        let status = "ready"
        var targets: Int
        /// `INDEX/TOTAL` when the agent samples a share of the targets (absent otherwise).
        var shard: String?
    }

    /// /readyz when some target is not ready: each such target and why.
    private struct NotReady: Encodable {
        let status = "not ready"
        var targets: [Target]
        var shard: String?

        /// A target that is not ready.
        struct Target: Encodable {
            var target: String
            var reason: String
        }
    }

    /// The path and the decoded query parameters of a request URI.
    package static func split(_ uri: String) -> (path: String, query: [String: String]) {
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = percentDecoded(keyValue[0])
                if query[key] == nil { query[key] = keyValue.count == 2 ? percentDecoded(keyValue[1]) : "" }
            }
        }
        return (String(parts.first ?? ""), query)
    }

    /// Decodes `%XX` escapes and `+` (a space in query strings); malformed escapes are kept as is.
    static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
