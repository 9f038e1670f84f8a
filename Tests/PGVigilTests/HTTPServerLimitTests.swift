// The HTTP server's limits on a real socket: oversized requests, slow and idle connections, the connection table.
import Alerting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TestSupport
import Testing

@testable import Config
@testable import Exposition
@testable import HTTP
@testable import PGVigil
@testable import Sampler
@testable import Store

@Suite struct HTTPServerLimitTests {
    /// Starts a server with `limits` (and `authenticator`, `reload`) on 127.0.0.1 counting what it closes in
    /// `closed`, runs `body` with its port, stops it.
    private func withServer(
        _ limits: HTTPServerConfig = HTTPServerConfig(
            maxConnections: 2, idleTimeout: .seconds(30), requestHeadTimeout: .seconds(10), maxBodyBytes: 1024),
        closed: HTTPClosedConnections = HTTPClosedConnections(),
        authenticator: HTTPAuthenticator? = nil,
        rateLimit: RequestRateLimit? = nil,
        inFlight: RequestsInFlight? = nil,
        reload: Router.Reload? = nil,
        _ body: (Int) async throws -> Void
    ) async throws {
        let state = ServedState(.initial([]))
        let server = HTTPServer(
            address: try #require(ListenAddress("127.0.0.1:0")),
            router: Router(
                state: state, alerts: AlertBoard([]), seriesHistory: SeriesHistoryAPI(archive: SeriesArchive(), history: 3600),
                statementTexts: StatementTextCatalog(),
                statusPage: StatusPage(archive: SeriesArchive(), history: 3600),
                access: EndpointAccessState(EndpointAccess(authenticator: authenticator, rateLimit: rateLimit)), reload: reload,
                wallClock: { 0 }),
            limits: limits, closed: closed, inFlight: inFlight, group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"))
        let port = try await server.bind()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            try await body(port)
        }
    }

    /// Sends `GET path` on `client` and returns what one read brings back.
    private func get(_ path: String, on client: LoopbackClient, close: Bool = false) async throws -> String {
        client.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\(close ? "Connection: close\r\n" : "")\r\n")
        return close ? try await client.readUntilClosed() : try await client.readSome()
    }

    @Test func oversizedBodyGets413AndTheConnectionCloses() async throws {
        let closed = HTTPClosedConnections()
        try await withServer(closed: closed) { port in
            let client = try LoopbackClient(port: port)
            client.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + String(repeating: "a", count: 4096))
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 413"))
        }
        #expect(closed.count(.bodyTooLarge) == 1)
    }

    @Test func fiveThousandHeaderLinesGet431() async throws {
        let closed = HTTPClosedConnections()
        try await withServer(closed: closed) { port in
            let client = try LoopbackClient(port: port)
            let headers = (0..<5000).map { "X-Header-\($0): v\r\n" }.joined()
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n")
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large"))
            #expect(response.lowercased().contains("connection: close"))
        }
        #expect(closed.count(.headerTooLarge) == 1)
        #expect(closed.family.samples.contains { $0.labels == [Label("reason", "header_too_large")] && $0.value == 1 })
    }

    @Test func hundredKilobyteHeaderGets431() async throws {
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 100_000) + "\r\n\r\n")
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 431"))
            #expect(response.lowercased().contains("connection: close"))
        }
    }

    @Test func headOverTheCapIsRefusedBeforeItEnds() async throws {
        // 20 KB of one header and no end of head: refused at the 16 KiB cap, not at NIO's 80 KiB.
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 20_000))
            let start = ContinuousClock.now
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 431"))
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func headPaddedWithBlanksIsRefusedAtTheCap() async throws {
        // NIO's parser does not count blanks after a colon (and buffers them): the raw meter does.
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad:" + String(repeating: " ", count: 20_000))
            let start = ContinuousClock.now
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 431"))
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func aPipelinedHeadIsMeteredLikeTheFirst() async throws {
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad:" + String(repeating: " ", count: 20_000))
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 200 OK"))
            #expect(response.contains("HTTP/1.1 431"))
        }
    }

    @Test func tricklingHeadIsClosedAtTheDeadline() async throws {
        let deadline = Duration.seconds(1)
        let closed = HTTPClosedConnections()
        try await withServer(HTTPServerConfig(idleTimeout: .seconds(30), requestHeadTimeout: deadline), closed: closed) { port in
            let client = try LoopbackClient(port: port)
            let start = ContinuousClock.now
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\n")
            async let response = client.readUntilClosed()
            // One header line every 100 ms: each arrives well within any idle timeout.
            let trickle = Task {
                while !Task.isCancelled, ContinuousClock.now - start < .seconds(5) {
                    try await Task.sleep(for: .milliseconds(100))
                    client.send("X-Slow: still-coming\r\n")
                }
            }
            defer { trickle.cancel() }
            #expect(try await response.isEmpty)
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= deadline * 0.9)
            #expect(elapsed < deadline * 3)
        }
        #expect(closed.count(.requestTimeout) == 1)
        #expect(closed.count(.idleTimeout) == 0)
    }

    @Test func connectionThatNeverSendsIsClosedAtTheHeadDeadline() async throws {
        try await withServer(HTTPServerConfig(idleTimeout: .seconds(30), requestHeadTimeout: .milliseconds(300))) { port in
            let client = try LoopbackClient(port: port)
            let start = ContinuousClock.now
            let response = try await client.readUntilClosed()
            #expect(response.isEmpty)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func keepAliveServesSequentialRequestsAcrossAQuietSpell() async throws {
        // A pause longer than the head deadline but shorter than the idle timeout, like a scraper's interval.
        try await withServer(HTTPServerConfig(idleTimeout: .seconds(30), requestHeadTimeout: .milliseconds(500))) { port in
            let client = try LoopbackClient(port: port)
            #expect(try await get("/healthz", on: client).hasPrefix("HTTP/1.1 200 OK"))
            try await Task.sleep(for: .seconds(1))
            #expect(try await get("/metrics", on: client, close: true).hasPrefix("HTTP/1.1 200 OK"))
        }
    }

    @Test func anHTTP10ClientIsToldTheConnectionStaysOpenOnlyWhenItAskedForThat() async throws {
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            client.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            let kept = try await client.readSome()
            #expect(kept.hasPrefix("HTTP/1.0 200 OK") && kept.contains("Connection: keep-alive\r\n"), "\(kept)")
            client.send("GET /healthz HTTP/1.0\r\n\r\n")
            let closed = try await client.readUntilClosed()
            #expect(closed.hasPrefix("HTTP/1.0 200 OK") && closed.contains("Connection: close\r\n"), "\(closed)")
        }
    }

    @Test func theNextHeadOnAKeepAliveConnectionHasItsDeadlineFromItsFirstByte() async throws {
        let deadline = Duration.milliseconds(500)
        try await withServer(HTTPServerConfig(idleTimeout: .seconds(30), requestHeadTimeout: deadline)) { port in
            let client = try LoopbackClient(port: port)
            #expect(try await get("/healthz", on: client).hasPrefix("HTTP/1.1 200 OK"))
            try await Task.sleep(for: deadline * 2)
            let start = ContinuousClock.now
            client.send("GET /metrics HTTP/1.1\r\n")
            #expect(try await client.readUntilClosed().isEmpty)
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= deadline * 0.8)
            #expect(elapsed < deadline * 6)
        }
    }

    @Test func quietKeepAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        let closed = HTTPClosedConnections()
        try await withServer(HTTPServerConfig(idleTimeout: .milliseconds(500), requestHeadTimeout: .seconds(10)), closed: closed) { port in
            let client = try LoopbackClient(port: port)
            #expect(try await get("/healthz", on: client).hasPrefix("HTTP/1.1 200 OK"))
            let start = ContinuousClock.now
            #expect(try await client.readUntilClosed().isEmpty)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
        #expect(closed.count(.idleTimeout) == 1)
    }

    @Test func theLongestWaitingConnectionGivesWayWhenEverySlotIsTaken() async throws {
        let closed = HTTPClosedConnections()
        try await withServer(closed: closed) { port in
            let first = try LoopbackClient(port: port)
            let second = try LoopbackClient(port: port)
            #expect(try await get("/healthz", on: first).hasPrefix("HTTP/1.1 200 OK"))
            // The first has waited longer than the second, by more than the moment its event loop
            // takes to mark it waiting once its answer is written (the two may be on different
            // loops, and under ThreadSanitizer that moment came after the second's).
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await get("/healthz", on: second).hasPrefix("HTTP/1.1 200 OK"))
            // Both slots hold idle keep-alive connections; a third is admitted, the first closed.
            let third = try LoopbackClient(port: port)
            #expect(try await get("/healthz", on: third).hasPrefix("HTTP/1.1 200 OK"))
            #expect(try await first.readUntilClosed().isEmpty)
            #expect(try await get("/healthz", on: second, close: true).hasPrefix("HTTP/1.1 200 OK"))
        }
        #expect(closed.count(.evicted) == 1)
        #expect(closed.count(.refused) == 0)
    }

    @Test func slowConnectionsCannotLockOutScrapes() async throws {
        raiseOpenFileLimit(to: 4096)
        let limits = HTTPServerConfig()
        try await withServer(limits) { port in
            let flood = try await SlowlorisFlood(port: port, size: 300, pace: .seconds(1))
            do {
                for _ in 0..<5 {
                    // Every slot is held by a slow connection when the scrape starts.
                    #expect(try await waitUntil(timeout: .seconds(5)) { flood.openCount >= limits.maxConnections })
                    let start = ContinuousClock.now
                    let client = try LoopbackClient(port: port)
                    let response = try await get("/metrics", on: client, close: true)
                    #expect(response.hasPrefix("HTTP/1.1 200 OK"))
                    #expect(ContinuousClock.now - start < .seconds(3))
                    try await Task.sleep(for: .milliseconds(500))
                }
                #expect(flood.opened >= 300)
                #expect(flood.closedByServer > 0)
            } catch {
                try await flood.stop()
                throw error
            }
            try await flood.stop()
        }
    }

    @Test func requestsOverTheInFlightLimitGet503WithRetryAfterUntilOneIsAnswered() async throws {
        // A reload is answered when the reloader is done: here, when the test says so, so the
        // first request stays in flight for as long as the test needs (no timing to race).
        let pending = NIOLockedValueBox<EventLoopPromise<HTTPResponse>?>(nil)
        let heldReload: Router.Reload = { eventLoop in
            let promise = eventLoop.makePromise(of: HTTPResponse.self)
            pending.withLockedValue { $0 = promise }
            return promise.futureResult
        }
        let inFlight = RequestsInFlight(limit: 1)
        // Answered however the test ends: an unfulfilled promise stops a debug build.
        let answerReload = {
            let promise = pending.withLockedValue { held in
                let promise = held
                held = nil
                return promise
            }
            promise?.succeed(.text(.ok, "reloaded"))
        }
        defer { answerReload() }
        try await withServer(HTTPServerConfig(maxRequestsInFlight: 1), inFlight: inFlight, reload: heldReload) { port in
            let reloading = try LoopbackClient(port: port)
            reloading.send("POST /-/reload HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
            // Probed only once the reload is in flight: a probe that came first would be the one
            // admitted, and the reload refused.
            #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { pending.withLockedValue { $0 } != nil })
            #expect(inFlight.count == 1)
            let busy = try await get("/healthz", on: try LoopbackClient(port: port))
            #expect(busy.hasPrefix("HTTP/1.1 503"), "no request was refused while one was in flight: \(busy)")
            #expect(busy.contains("Retry-After: 1"))
            answerReload()
            #expect(try await reloading.readSome().hasPrefix("HTTP/1.1 200"))
            let admitted = try await waitUntil(timeout: .seconds(10), every: .milliseconds(20)) {
                try await get("/healthz", on: try LoopbackClient(port: port)).hasPrefix("HTTP/1.1 200")
            }
            #expect(admitted, "a request must be admitted once the one in flight was answered")
        }
    }

    @Test func theInFlightCountAdmitsUpToTheLimitAndCountsTheRest() {
        let inFlight = RequestsInFlight(limit: 2)
        #expect(inFlight.enter() && inFlight.enter())
        #expect(!inFlight.enter())
        inFlight.leave()
        #expect(inFlight.enter())
        #expect(inFlight.count == 2)
        #expect(inFlight.family.samples.map(\.value) == [1])
    }

    @Test func requestsBeyondTheRateLimitsBurstGet429WithTheSecondsUntilTheNextToken() async throws {
        let limit = RequestRateLimit(WebRateLimit(interval: ConfigDuration(.seconds(3600)), burst: 2))
        try await withServer(rateLimit: limit) { port in
            let client = try LoopbackClient(port: port)
            #expect(try await get("/healthz", on: client).hasPrefix("HTTP/1.1 200"))
            #expect(try await get("/healthz", on: client).hasPrefix("HTTP/1.1 200"))
            let limited = try await get("/healthz", on: client)
            #expect(limited.hasPrefix("HTTP/1.1 429"))
            // The next token is an hour after the first request, less the time the requests took.
            let retryAfter = limited.split(separator: "\r\n").first { $0.hasPrefix("Retry-After: ") }.flatMap { Int($0.dropFirst(13)) }
            #expect((3500...3600).contains(retryAfter ?? 0), "\(limited)")
            #expect(try await get("/metrics", on: client).hasPrefix("HTTP/1.1 429"))  // the same connection stays usable
        }
        #expect(limit.family.samples.map(\.value) == [2])
    }

    @Test func theRateLimitRefillsOneTokenPerIntervalUpToTheBurst() {
        let second: UInt64 = 1_000_000_000
        let limit = RequestRateLimit(WebRateLimit(interval: ConfigDuration(.seconds(2)), burst: 2), now: 0)
        #expect(limit.admit(at: 0) == nil && limit.admit(at: 0) == nil)
        #expect(limit.admit(at: 0) == 2)
        #expect(limit.admit(at: second) == 1)  // half a token: a second to go
        #expect(limit.admit(at: 2 * second) == nil)
        #expect(limit.admit(at: 2 * second) == 2)
        // A long quiet spell refills the burst and no more.
        #expect(limit.admit(at: 100 * second) == nil && limit.admit(at: 100 * second) == nil)
        #expect(limit.admit(at: 100 * second) != nil)
        #expect(limit.family.samples.map(\.value) == [4])
    }
}
