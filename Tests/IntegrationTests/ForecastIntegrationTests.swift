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
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)])
        config.collectors["wraparound"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)), window: ConfigDuration(.seconds(8)))
        config.collectors["settings"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)))
        try await RunningAgent.with(config) { agent in
            let labels = [("target", "primary"), ("datname", "postgres")]
            let started = ContinuousClock.now
            let firstAge = try #require(
                try burner.query("SELECT age(datfrozenxid)::float8 AS age FROM pg_database WHERE datname = 'postgres'", []).rows.first?.double("age"))
            var scrape: Scrape?
            while ContinuousClock.now - started < .seconds(30) {
                _ = try burner.query(burn, [])
                let now = try await agent.get("/metrics")
                if now.value("pg_database_xid_wraparound_forecast_seconds", labels) != nil,
                    now.value("pg_database_xid_freeze_max_age_forecast_seconds", labels) != nil
                {
                    scrape = now
                    break
                }
            }
            let forecast = try #require(scrape, "no forecast within 30 s")
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
