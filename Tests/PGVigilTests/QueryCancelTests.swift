// A query that gets no answer: it ends at the client deadline, its connection is dropped, and one cancel request at a time reaches the server.
import NIOPosix
import TestSupport
import Testing

@testable import PGVigil
@testable import Postgres

@Suite struct QueryCancelTests {
    private let deadline = ClientDeadline(timeout: .seconds(2))

    /// Connects to `server` and runs a query it never answers, off the concurrency pool; returns
    /// the connection, the query's error and how long the query took.
    private func silentQuery(
        _ server: SilentPostgresServer, canceller: QueryCanceller
    ) async throws -> (connection: PostgresConnection, error: PostgresError?, elapsed: Duration) {
        let parameters = [
            ("host", "127.0.0.1"), ("port", String(server.port)), ("user", "pgvigil"), ("dbname", "postgres"),
            ("sslmode", "disable"), ("gssencmode", "disable"),
        ]
        return try await NIOThreadPool.singleton.runIfActive { [deadline] in
            let connection = try PostgresConnection(parameters: parameters, dsn: "", deadline: deadline, canceller: canceller)
            let start = ContinuousClock.now
            do {
                _ = try connection.query("SELECT 1", [])
                return (connection, nil, ContinuousClock.now - start)
            } catch let error as PostgresError {
                return (connection, error, ContinuousClock.now - start)
            }
        }
    }

    @Test func aQueryWithNoAnswerIsCancelledOnceAtATimeAndItsConnectionDropped() async throws {
        let server = try await SilentPostgresServer()
        let canceller = QueryCanceller()

        let (first, error, elapsed) = try await silentQuery(server, canceller: canceller)
        #expect(error?.kind == .connection)
        #expect(error?.message == deadline.noAnswerError.message)
        #expect(elapsed >= deadline.limit && elapsed < deadline.limit + .seconds(2), "gave up after \(elapsed)")
        #expect(!first.isHealthy)
        // The cancel request names the backend of the query, and waits for the server's answer.
        #expect(try await waitUntil(timeout: .seconds(5)) { server.cancels == server.sessions })
        #expect(canceller.isSending)

        // While it waits, the next abandoned query sends none.
        let second = try await silentQuery(server, canceller: canceller)
        #expect(second.error?.message == deadline.noAnswerError.message)
        #expect(try await waitUntil(timeout: .seconds(1)) { server.cancels.count > 1 } == false)

        // Once the server answers it, cancels go out again.
        await server.releaseCancels()
        #expect(try await waitUntil(timeout: .seconds(5)) { !canceller.isSending })
        _ = try await silentQuery(server, canceller: canceller)
        #expect(try await waitUntil(timeout: .seconds(5)) { server.cancels.count == 2 })
        #expect(server.cancels.last == server.sessions.last)
        await server.stop()
    }
}
