// A monitoring session prepares each statement once, and copes with a server that lost them.
import TestSupport
import Testing

@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct PreparedStatementTests {
    /// The statements the session's connection has prepared, as the server lists them.
    private let listing = "SELECT statement FROM pg_prepared_statements WHERE NOT from_sql"

    @Test func aStatementWithParametersIsPlannedOnce() async throws {
        // The session asks for generic plans, so the server plans at the first execution only
        // (its custom plans for the first five executions would each be planned anew).
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let statement = "SELECT count(*)::float8 AS relations FROM pg_class WHERE relkind = $1 AND relpages >= $2"
        for _ in 0..<3 { #expect(try await session.query(statement, ["r", "0"]).rows.count == 1) }
        let plans = try #require(
            try await session.query("SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1", [statement]).rows.first)
        #expect(try plans.double("generic_plans") == 3)
        #expect(try plans.double("custom_plans") == 0)
    }

    @Test func aStatementIsPreparedOnceAndRunUnpreparedOnceTheServerLostIt() async throws {
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let statement = "SELECT count(*)::float8 AS relations FROM pg_class WHERE relkind = 'r'"
        for _ in 0..<3 { #expect(try await session.query(statement).rows.count == 1) }
        let prepared = try await session.query(listing).rows.map { try $0.string("statement") }
        #expect(prepared.filter { $0 == statement }.count == 1, "\(prepared)")
        // The server forgets them, as it does behind a pooler in transaction mode: the statement
        // still runs, and the connection prepares nothing from then on.
        _ = try await session.query("DEALLOCATE ALL")
        #expect(try await session.query(statement).rows.count == 1)
        #expect(try await session.query(listing).rows.isEmpty)
        #expect(try await session.query(statement).rows.count == 1)
    }
}
