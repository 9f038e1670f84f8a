// The HTTP server's limits on a real socket: oversized requests, idle connections, connection cap.
import Logging
import NIOCore
import NIOPosix
import Testing
@testable import PGVigil

@Suite struct HTTPServerLimitTests {
    /// Starts a server with small limits on 127.0.0.1, runs `body` with its port, stops it.
    private func withServer(idleTimeout: TimeAmount = .milliseconds(300), _ body: (Int) async throws -> Void) async throws {
        let state = ServedState(.initial([]))
        let server = HTTPServer(
            address: try #require(ListenAddress("127.0.0.1:0")),
            router: Router(state: state, seriesHistory: SeriesHistoryAPI(archive: SeriesArchive(), history: 3600), statementTexts: StatementTextCatalog(),
            statusPage: StatusPage(archive: SeriesArchive(), history: 3600), wallClock: { 0 }),
            limits: HTTPServer.Limits(maxConnections: 2, idleTimeout: idleTimeout, maxBodyBytes: 1024),
            group: MultiThreadedEventLoopGroup.singleton, logger: Logger(label: "test"))
        let port = try await server.bind()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { group.cancelAll() }
            try await body(port)
        }
    }

    @Test func oversizedBodyGets413AndTheConnectionCloses() async throws {
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            client.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n" + String(repeating: "a", count: 4096))
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 413"))
        }
    }

    @Test func oversizedHeadersAreRejected() async throws {
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 100_000) + "\r\n\r\n")
            let response = try await client.readUntilClosed()
            #expect(response.hasPrefix("HTTP/1.1 4"))
            #expect(!response.contains("200 OK"))
        }
    }

    @Test func idleConnectionIsClosed() async throws {
        try await withServer { port in
            let client = try LoopbackClient(port: port)
            let start = ContinuousClock.now
            let response = try await client.readUntilClosed()
            #expect(response.isEmpty)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func connectionsBeyondTheCapAreClosedAtOnce() async throws {
        try await withServer(idleTimeout: .seconds(30)) { port in
            let first = try LoopbackClient(port: port)
            let second = try LoopbackClient(port: port)
            first.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            second.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            // Both are admitted and served; they stay open (keep-alive).
            #expect(try await first.readSome().hasPrefix("HTTP/1.1 200 OK"))
            #expect(try await second.readSome().hasPrefix("HTTP/1.1 200 OK"))
            let third = try LoopbackClient(port: port)
            third.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let start = ContinuousClock.now
            #expect(try await third.readUntilClosed().isEmpty)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }
}
