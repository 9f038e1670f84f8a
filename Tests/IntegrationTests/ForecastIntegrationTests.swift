// Forecasts against a real server in the state they warn about: transaction IDs consumed fast
// give a wraparound forecast of the right order, from the agent's own history.

import Foundation
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct ForecastIntegrationTests {
    @Test func transactionIDsConsumedFastGiveAWraparoundForecastOfTheRightOrder() async throws {
        let burner = try TestCluster.adminPrimary()
        _ = try burner.query("CREATE TEMP TABLE burn (i int)", [])
        // 500 subtransactions that write: 500 transaction IDs a call.
        let burn = "DO $$ BEGIN FOR i IN 1..500 LOOP BEGIN INSERT INTO burn VALUES (i); EXCEPTION WHEN OTHERS THEN NULL; END; END LOOP; END $$"
        // Only `postgres` visited: the other suites create and drop databases, and a database
        // dropped during a visit fails that cycle (no point for the trend).
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN, databases: .list(["postgres"]))])
        config.collectors["wraparound"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)), window: ConfigDuration(.seconds(20)))
        config.collectors["settings"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)))
        try await RunningAgent.with(config) { agent in
            let labels = [("target", "primary"), ("datname", "postgres")]
            let started = ContinuousClock.now
            let firstAge = try #require(
                try burner.query("SELECT age(datfrozenxid)::float8 AS age FROM pg_database WHERE datname = 'postgres'", []).rows.first?.double("age"))
            var scrape: Scrape?
            while ContinuousClock.now - started < .seconds(60) {
                _ = try burner.query(burn, [])
                let now = try await agent.get("/metrics")
                if now.value("pg_database_xid_wraparound_forecast_seconds", labels) != nil,
                    now.value("pg_database_xid_freeze_max_age_forecast_seconds", labels) != nil
                {
                    scrape = now
                    break
                }
            }
            let forecast = try #require(scrape, "no forecast within 60 s")
            let elapsed = Double((ContinuousClock.now - started).components.seconds) + 1
            let age = try #require(forecast.value("pg_database_xid_age", labels))
            // The rate the test itself made, at least: the forecast is no later than that rate implies.
            let rate = (age - firstAge) / elapsed
            let untilLimit = try #require(forecast.value("pg_database_xid_wraparound_forecast_seconds", labels))
            #expect(rate > 0 && untilLimit > 0)
            #expect(untilLimit < (2_147_483_648 - 3_000_000 - age) / rate * 4, "forecast \(untilLimit) s at an observed \(rate)/s")
            #expect(untilLimit > (2_147_483_648 - 3_000_000 - age) / rate / 20, "forecast \(untilLimit) s at an observed \(rate)/s")
            let untilFreeze = try #require(forecast.value("pg_database_xid_freeze_max_age_forecast_seconds", labels))
            #expect(untilFreeze < untilLimit)
        }
    }

    @Test func aSlotHeldByAPausedConsumerWhileWALIsWrittenIsForecastToHitMaxSlotWALKeepSize() async throws {
        let admin = try TestCluster.adminPrimary()
        let slot = TestCluster.uniqueName("paused_slot")
        // A physical slot reserving WAL from now, its consumer never connected: it holds all that is written.
        _ = try admin.query("SELECT pg_create_physical_replication_slot('\(slot)', true)", [])
        defer { _ = try? admin.query("SELECT pg_drop_replication_slot('\(slot)')", []) }
        _ = try admin.query("ALTER SYSTEM SET max_slot_wal_keep_size = '4GB'", [])
        _ = try admin.query("SELECT pg_reload_conf()", [])
        defer {
            _ = try? admin.query("ALTER SYSTEM RESET max_slot_wal_keep_size", [])
            _ = try? admin.query("SELECT pg_reload_conf()", [])
        }
        let table = TestCluster.uniqueName("wal_writer")
        _ = try admin.query("CREATE TABLE \(table) (payload text)", [])
        defer { _ = try? admin.query("DROP TABLE \(table)", []) }
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)])
        config.collectors["replication"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)), window: ConfigDuration(.seconds(8)))
        config.collectors["settings"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)))
        try await RunningAgent.with(config) { agent in
            let labels = [("target", "primary"), ("slot_name", slot), ("slot_type", "physical"), ("active", "false")]
            var scrape: Scrape?
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(30) {
                _ = try admin.query("INSERT INTO \(table) SELECT repeat('w', 1000) FROM generate_series(1, 2000)", [])  // about 2 MiB of WAL
                let now = try await agent.get("/metrics")
                if now.value("pg_replication_slot_wal_keep_forecast_seconds", labels) != nil {
                    scrape = now
                    break
                }
            }
            let forecast = try #require(scrape, "no forecast within 30 s")
            let growth = try #require(forecast.value("pg_replication_slot_retained_bytes_per_second", labels))
            let retained = try #require(forecast.value("pg_replication_slot_retained_bytes", labels))
            let seconds = try #require(forecast.value("pg_replication_slot_wal_keep_forecast_seconds", labels))
            #expect(growth > 100_000, "the slot grew \(growth) bytes/s")
            // The forecast is the distance to 4 GiB at the fitted growth (from the retained bytes served with it).
            #expect(abs(seconds - (4_294_967_296 - retained) / growth) / seconds < 0.05, "\(seconds) s at \(growth) bytes/s from \(retained)")
            // The replica's slot, consumed as it is written, is forecast nowhere near it.
            #expect(
                forecast.value(
                    "pg_replication_slot_wal_keep_forecast_seconds",
                    [("target", "primary"), ("slot_name", "replica_slot"), ("slot_type", "physical"), ("active", "true")]) ?? .infinity > seconds)
        }
    }
}
