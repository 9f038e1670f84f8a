// pg_stat_io (PostgreSQL 16+) and the long-transaction counts against real servers: a table
// written by a client session shows as its extends and writes; a transaction held open past a
// minute is counted in the 60 s bucket and in no longer one.

import TestSupport
import Testing

@testable import Collectors
@testable import PGVigil
@testable import Postgres
@testable import Store

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct IOAndLongTransactionIntegrationTests {
    private func value(_ families: [MetricFamily], _ name: String, _ labels: [Label]) -> Double? {
        families.first { $0.name == name }?.samples.first { $0.labels == labels }?.value
    }

    @Test func aClientSessionsExtendsAreCountedByPgStatIO() async throws {
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        let collector = IOCollector()
        guard server.versionNumber >= collector.minimumServerVersion else {
            // PostgreSQL 15 has no pg_stat_io: the sampler never runs the collector there.
            await #expect(throws: (any Error).self) { try await collector.collect(session, server: server) }
            return
        }
        let client = [Label("backend_type", "client backend"), Label("object", "relation"), Label("context", "normal")]
        let first = try await collector.collect(session, server: server)
        let (extendsBefore, bytesBefore) = (
            value(first, "pg_stat_io_extends_total", client) ?? 0, value(first, "pg_stat_io_extend_bytes_total", client) ?? 0
        )
        let admin = try TestCluster.adminPrimary()
        let table = TestCluster.uniqueName("io")
        _ = try admin.query("CREATE TABLE \(table) (id int, payload text)", [])
        defer { _ = try? admin.query("DROP TABLE \(table)", []) }
        // About 110 pages of 8 KiB, added by this client backend (18 counts an extend of several
        // blocks as one operation; its bytes are the blocks').
        _ = try admin.query("INSERT INTO \(table) SELECT g, repeat('x', 800) FROM generate_series(1, 1000) g", [])
        _ = try admin.query("SELECT pg_stat_force_next_flush()", [])
        _ = try admin.query("SELECT 1", [])  // the flush happens when this session next goes idle
        var families: [MetricFamily] = []
        let counted = try await waitUntil(timeout: .seconds(15)) {
            families = try await collector.collect(session, server: server)
            return (value(families, "pg_stat_io_extend_bytes_total", client) ?? 0) >= bytesBefore + 100 * 8192
        }
        let (extends, bytes) = (
            value(families, "pg_stat_io_extends_total", client) ?? 0, value(families, "pg_stat_io_extend_bytes_total", client) ?? 0
        )
        #expect(counted, "extend bytes: \(bytes), before \(bytesBefore)")
        #expect(extends > extendsBefore && bytes >= extends * 8192)
        #expect((value(families, "pg_stat_io_hits_total", client) ?? 0) > 0)
        // Only combinations that did I/O are served: far fewer than the view's rows.
        let rows = try await session.query("SELECT count(*)::float8 AS rows FROM pg_stat_io").rows.first?.double("rows") ?? 0
        let served = Set(families.flatMap { $0.samples.map(\.labels) }).count
        #expect(served > 0 && Double(served) < rows)
    }

    @Test func aTransactionOpenForAMinuteIsCountedInTheSixtySecondBucketOnly() async throws {
        let database = TestCluster.uniqueName("long_tx")
        let creator = try TestCluster.adminPrimary()
        _ = try creator.query("CREATE DATABASE \(database)", [])
        defer { _ = try? creator.query("DROP DATABASE \(database) WITH (FORCE)", []) }
        let holder = try TestCluster.adminPrimary(database: database)
        _ = try holder.query("BEGIN", [])
        _ = try holder.query("SELECT txid_current()", [])
        defer { _ = try? holder.query("ROLLBACK", []) }
        let session = try TestCluster.monitoringSession(TestCluster.primaryDSN)
        let server = try ServerInfo(row: try #require(try await session.query(ServerInfo.query).rows.first))
        func bucket(_ families: [MetricFamily], _ seconds: Int) -> Double? {
            value(families, "pg_stat_activity_long_transactions", [Label("datname", database), Label("older_than_seconds", String(seconds))])
        }
        let young = try await ActivityCollector().collect(session, server: server)
        #expect(bucket(young, 60) == 0)
        var families: [MetricFamily] = []
        let counted = try await waitUntil(timeout: .seconds(90)) {
            families = try await ActivityCollector().collect(session, server: server)
            return bucket(families, 60) == 1
        }
        #expect(counted)
        #expect(bucket(families, 300) == 0 && bucket(families, 600) == 0 && bucket(families, 1800) == 0)
    }
}
