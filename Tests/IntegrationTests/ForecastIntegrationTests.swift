// Forecasts against a real server in the state they warn about, from the agent's own history:
// transaction IDs consumed fast, a slot held by a paused consumer, a sequence near its maximum,
// a table growing under load.

import Foundation
import NIOPosix
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

/// One test at a time, each driving its state from a load loop whose statements run on a thread of
/// its own (`withBlockingPool`): run on the shared concurrency threads, such loops starve the other
/// suites' agents.
@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"), .serialized)
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
        try await withBlockingPool(threads: 1) { pool in
            try await RunningAgent.with(config) { agent in
                let labels = [("target", "primary"), ("datname", "postgres")]
                let started = ContinuousClock.now
                let firstAge = try #require(
                    try burner.query("SELECT age(datfrozenxid)::float8 AS age FROM pg_database WHERE datname = 'postgres'", []).rows.first?.double(
                        "age"))
                var scrape: Scrape?
                while ContinuousClock.now - started < .seconds(60) {
                    _ = try await pool.runIfActive { try burner.query(burn, []) }
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
        try await withBlockingPool(threads: 1) { pool in
            try await RunningAgent.with(config) { agent in
                let labels = [("target", "primary"), ("slot_name", slot), ("slot_type", "physical"), ("active", "false")]
                var scrape: Scrape?
                let started = ContinuousClock.now
                while ContinuousClock.now - started < .seconds(30) {
                    // About 2 MiB of WAL.
                    _ = try await pool.runIfActive {
                        try admin.query("INSERT INTO \(table) SELECT repeat('w', 1000) FROM generate_series(1, 2000)", [])
                    }
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

    @Test func aSequenceNearItsMaximumIsSeenUsedAndForecastToRunOut() async throws {
        let admin = try TestCluster.adminPrimary()
        let table = TestCluster.uniqueName("keyed")
        // A serial key (an integer sequence) 500,000 short of 2^31 - 1, and a bigint sequence owned
        // by an integer column: its range ends at the column's limit, half used.
        _ = try admin.query("CREATE TABLE \(table) (id serial PRIMARY KEY, narrow int)", [])
        _ = try admin.query("CREATE SEQUENCE \(table)_wide AS bigint OWNED BY \(table).narrow", [])
        defer { _ = try? admin.query("DROP TABLE \(table)", []) }
        _ = try admin.query("SELECT setval('\(table)_id_seq', 2147483647 - 500000), setval('\(table)_wide', 1073741824)", [])
        _ = try admin.query("GRANT SELECT ON SEQUENCE \(table)_id_seq, \(table)_wide TO pgvigil", [])
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN, databases: .list(["postgres"]))])
        config.collectors["sequences"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)), window: ConfigDuration(.seconds(8)))
        try await withBlockingPool(threads: 1) { pool in
            try await RunningAgent.with(config) { agent in
                let key = [("target", "primary"), ("datname", "postgres"), ("schemaname", "public"), ("sequencename", "\(table)_id_seq")]
                let started = ContinuousClock.now
                var scrape: Scrape?
                while ContinuousClock.now - started < .seconds(30) {
                    _ = try await pool.runIfActive { try admin.query("INSERT INTO \(table) (narrow) SELECT 0 FROM generate_series(1, 2000)", []) }
                    let now = try await agent.get("/metrics")
                    if now.value("pg_sequence_exhaustion_forecast_seconds", key) != nil {
                        scrape = now
                        break
                    }
                }
                let forecast = try #require(scrape, "no forecast within 30 s")
                let elapsed = (ContinuousClock.now - started).seconds + 1
                let used = try #require(forecast.value("pg_sequence_used_ratio", key))
                let lastValue = try #require(forecast.value("pg_sequence_last_value", key))
                #expect(abs(used - (lastValue - 1) / (2_147_483_647 - 1)) < 1e-9)
                #expect(lastValue > 2_147_483_647 - 500_000)
                // No sooner than the rate the test made implies at 4 times it, no later than at a twentieth.
                let rate = (lastValue - (2_147_483_647 - 500_000)) / elapsed
                let seconds = try #require(forecast.value("pg_sequence_exhaustion_forecast_seconds", key))
                #expect(
                    seconds > (2_147_483_647 - lastValue) / rate / 4 && seconds < (2_147_483_647 - lastValue) / rate * 20, "\(seconds) s at \(rate)/s"
                )
                let wide = [("target", "primary"), ("datname", "postgres"), ("schemaname", "public"), ("sequencename", "\(table)_wide")]
                #expect(abs((forecast.value("pg_sequence_used_ratio", wide) ?? 0) - 1_073_741_823.0 / 2_147_483_646) < 1e-9)
            }
        }
    }

    @Test func aTableGrowingUnderLoadHasItsGrowthPerDayAndItsDatabaseACountdownToTheBudget() async throws {
        let admin = try TestCluster.adminPrimary()
        let table = TestCluster.uniqueName("growing")
        _ = try admin.query("CREATE TABLE \(table) (payload text)", [])
        defer { _ = try? admin.query("DROP TABLE \(table)", []) }
        let startSize = try #require(try admin.query("SELECT pg_database_size('postgres')::float8 AS size", []).rows.first?.double("size"))
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN, databases: .list(["postgres"]))])
        config.collectors["table_sizes"] = CollectorOptions(
            interval: ConfigDuration(.milliseconds(500)), window: ConfigDuration(.seconds(8)), budgetBytes: Int(startSize) + 10_737_418_240)
        try await withBlockingPool(threads: 1) { pool in
            try await RunningAgent.with(config) { agent in
                let labels = [("target", "primary"), ("datname", "postgres"), ("schemaname", "public"), ("relname", table)]
                let database = [("target", "primary"), ("datname", "postgres")]
                let started = ContinuousClock.now
                var scrape: Scrape?
                while ContinuousClock.now - started < .seconds(30) {
                    // About 1 MiB a round, analyzed so the catalog's estimate ranks the table among those measured.
                    _ = try await pool.runIfActive {
                        _ = try admin.query("INSERT INTO \(table) SELECT repeat('g', 1000) FROM generate_series(1, 1000)", [])
                        _ = try admin.query("ANALYZE \(table)", [])
                    }
                    let now = try await agent.get("/metrics")
                    if now.value("pg_stat_user_tables_total_size_growth_bytes_per_day", labels) != nil,
                        now.value("pg_database_size_budget_forecast_seconds", database) != nil
                    {
                        scrape = now
                        break
                    }
                }
                let growth = try #require(scrape, "no growth figures within 30 s")
                let elapsed = (ContinuousClock.now - started).seconds + 1
                let size = try #require(try admin.query("SELECT pg_total_relation_size('\(table)')::float8 AS size", []).rows.first?.double("size"))
                let perDay = size / elapsed * 86_400
                let tableGrowth = try #require(growth.value("pg_stat_user_tables_total_size_growth_bytes_per_day", labels))
                #expect(tableGrowth > perDay / 20 && tableGrowth < perDay * 4, "\(tableGrowth) bytes a day; the test wrote \(perDay)")
                let databaseGrowth = try #require(growth.value("pg_database_size_growth_bytes_per_day", database))
                #expect(databaseGrowth > 0)
                // The countdown is the distance to the budget at the database's growth, from its size served with it.
                let databaseSize = try #require(growth.value("pg_database_size_bytes", database))
                let seconds = try #require(growth.value("pg_database_size_budget_forecast_seconds", database))
                let expected = (startSize + 10_737_418_240 - databaseSize) / (databaseGrowth / 86_400)
                #expect(abs(seconds - expected) / expected < 0.01, "\(seconds) s, \(expected) s expected")
            }
        }
    }
}
