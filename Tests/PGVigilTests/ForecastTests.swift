// Least-squares trends and the forecasts made from them.

import Testing

@testable import Collectors
@testable import Postgres
@testable import Store

@Suite struct ForecastTests {
    @Test func pointsOnALineGiveThatLineAndNoiseAveragesOut() throws {
        let line = (0..<20).map { SeriesPoint(timestamp: 1000 + Double($0) * 60, value: 500 + 2 * Double($0) * 60) }
        let trend = try #require(LinearTrend.fit(line))
        #expect(abs(trend.slope - 2) < 1e-9 && abs(trend.value(at: 1000) - 500) < 1e-6)
        // ±50 alternating around the same line: the same slope within a few percent.
        let noisy = line.enumerated().map { SeriesPoint(timestamp: $1.timestamp, value: $1.value + ($0 % 2 == 0 ? 50 : -50)) }
        #expect(abs(try #require(LinearTrend.fit(noisy)).slope - 2) < 0.1)
    }

    @Test func tooLittleHistoryGivesNoTrend() {
        let short = (0..<20).map { SeriesPoint(timestamp: Double($0) * 10, value: Double($0)) }  // 190 s
        #expect(LinearTrend.fit(short) == nil)
        let few = (0..<4).map { SeriesPoint(timestamp: Double($0) * 600, value: Double($0)) }
        #expect(LinearTrend.fit(few) == nil)
        let broken = (0..<10).map { SeriesPoint(timestamp: Double($0) * 60, value: $0 == 3 ? .nan : Double($0)) }
        #expect(LinearTrend.fit(broken) == nil)
    }

    @Test func secondsUntilAThresholdAreFromTheCurrentValueAtTheSlope() {
        let rising = LinearTrend(slope: 10, intercept: 0, origin: 0)
        #expect(rising.secondsUntil(1000, current: 400) == 60)
        #expect(rising.secondsUntil(1000, current: 1200) == 0)
        #expect(LinearTrend(slope: 0, intercept: 5, origin: 0).secondsUntil(1000, current: 5) == nil)
        #expect(LinearTrend(slope: -1, intercept: 5, origin: 0).secondsUntil(1000, current: 5) == nil)
    }

    @Test func wraparoundForecastsComeFromTheAgesHistoryAndTheFreezeSetting() async throws {
        let store = SampleStore()
        let target = [Label("target", "t")]
        let history = TargetHistory(store: store, targetLabels: target)
        let collector = WraparoundCollector(window: .seconds(3600))
        let settings = [MetricFamily(name: "pg_settings_autovacuum_freeze_max_age", help: "", type: .gauge, samples: [Sample(value: 200_000_000)])]
        await store.append(
            settings.map { $0.prefixingLabels(target) }, source: SeriesSource(target: "t", collector: "settings"), timestamp: 0, capacity: 100,
            retention: 7200)
        var derived: [MetricFamily] = []
        // 1,000 transactions a second on app; template1 frozen (its age does not move).
        for minute in 0...10 {
            let now = Double(minute) * 60
            let families = try WraparoundCollector.families(
                databaseRows: [
                    Row(["datname": "app", "xid_age": "\(100_000_000 + 60_000 * minute)", "mxid_age": "1"]),
                    Row(["datname": "template1", "xid_age": "5000", "mxid_age": "1"]),
                ], oldestTables: [])
            await store.append(
                families.map { $0.prefixingLabels(target) }, source: SeriesSource(target: "t", collector: "wraparound"), timestamp: now,
                capacity: 100, retention: 7200)
            derived = await collector.derive(from: families, history: history, now: now)
            if minute < 5 { #expect(derived.allSatisfy { $0.samples.isEmpty }, "minute \(minute): too little history") }
        }
        let app = [Label("datname", "app")]
        let current = 100_000_000.0 + 600_000
        let untilFreeze = try #require(derived.first { $0.name == "pg_database_xid_freeze_max_age_forecast_seconds" })
        #expect(untilFreeze.samples.count == 1 && untilFreeze.samples[0].labels == app)
        #expect(abs(untilFreeze.samples[0].value - (200_000_000 - current) / 1000) < 1)
        let untilLimit = try #require(derived.first { $0.name == "pg_database_xid_wraparound_forecast_seconds" })
        #expect(abs((untilLimit.samples.first?.value ?? 0) - (2_147_483_648 - 3_000_000 - current) / 1000) < 1)
    }

    @Test func aSlotsRetainedWALGrowthAndItsInvalidationAreForecast() async throws {
        let store = SampleStore()
        let target = [Label("target", "t")]
        let history = TargetHistory(store: store, targetLabels: target)
        let collector = ReplicationCollector(window: .seconds(3600), budget: 536_870_912)
        let keep = [MetricFamily(name: "pg_settings_max_slot_wal_keep_size", help: "", type: .gauge, samples: [Sample(value: 1_073_741_824)])]
        await store.append(
            keep.map { $0.prefixingLabels(target) }, source: SeriesSource(target: "t", collector: "settings"), timestamp: 0, capacity: 100,
            retention: 7200)
        var derived: [MetricFamily] = []
        // 1 MiB a minute held by a stalled slot; an active one that keeps up.
        for minute in 0...10 {
            let families = try ReplicationCollector.families(
                standbyRows: [], standbysRows: [],
                slotRows: [
                    Row(["slot_name": "stalled", "slot_type": "logical", "active": "false", "retained_bytes": "\(1_048_576 * minute)"]),
                    Row(["slot_name": "live", "slot_type": "physical", "active": "true", "retained_bytes": "0"]),
                ])
            await store.append(
                families.map { $0.prefixingLabels(target) }, source: SeriesSource(target: "t", collector: "replication"),
                timestamp: Double(minute) * 60, capacity: 100, retention: 7200)
            derived = await collector.derive(from: families, history: history, now: Double(minute) * 60)
        }
        let stalled = [Label("slot_name", "stalled"), Label("slot_type", "logical"), Label("active", "false")]
        let growth = try #require(derived.first { $0.name == "pg_replication_slot_retained_bytes_per_second" })
        let stalledGrowth = growth.samples.first { $0.labels == stalled }?.value ?? 0
        #expect(abs(stalledGrowth - 1_048_576.0 / 60) < 1)
        #expect(growth.samples.count == 2)  // the live slot's growth is 0
        let forecast = try #require(derived.first { $0.name == "pg_replication_slot_wal_keep_forecast_seconds" })
        #expect(forecast.samples.map(\.labels) == [stalled])
        let perSecond = 1_048_576.0 / 60
        let expected = (1_073_741_824.0 - 10 * 1_048_576) / perSecond
        #expect(abs((forecast.samples.first?.value ?? 0) - expected) < 1)
        let budget = try #require(derived.first { $0.name == "pg_replication_slot_budget_forecast_seconds" })
        #expect(budget.samples.map(\.labels) == [stalled])
        #expect(abs((budget.samples.first?.value ?? 0) - (536_870_912.0 - 10 * 1_048_576) / perSecond) < 1)
    }

    /// Stores `families` as `collector`'s run on target `t` at `now` and returns what `derive` makes of them.
    private func run(_ collector: some Collector, _ families: [MetricFamily], store: SampleStore, at now: Double) async -> [MetricFamily] {
        let target = [Label("target", "t")]
        await store.append(
            families.map { $0.prefixingLabels(target) }, source: SeriesSource(target: "t", collector: collector.name), timestamp: now,
            capacity: 100, retention: 7200)
        return await collector.derive(from: families, history: TargetHistory(store: store, targetLabels: target), now: now)
    }

    @Test func databaseAndTableGrowthPerDayAndTheDaysToABudgetAreForecast() async throws {
        let store = SampleStore()
        let collector = TableSizesCollector(limit: 5, window: .seconds(86_400), budget: 10_000_000_000)
        var derived: [MetricFamily] = []
        // app grows 1 MB a minute, all of it in one table; archive stays as it is.
        for minute in 0...10 {
            let families = try TableSizesCollector.families(
                tables: [
                    (
                        "app",
                        [
                            Row([
                                "schemaname": "public", "relname": "events", "table_bytes": "\(1_000_000 * minute)", "index_bytes": "0",
                                "total_bytes": "\(1_000_000 * minute)", "n_live_tup": "1",
                            ]),
                            Row(["schemaname": nil, "relname": nil, "total_bytes": "0", "database_bytes": "\(5_000_000_000 + 1_000_000 * minute)"]),
                        ]
                    ),
                    ("archive", [Row(["schemaname": nil, "relname": nil, "total_bytes": "0", "database_bytes": "7000000"])]),
                ])
            derived = await run(collector, families, store: store, at: Double(minute) * 60)
            if minute < 5 { #expect(derived.allSatisfy { $0.samples.isEmpty }, "minute \(minute): too little history") }
        }
        let perDay = 1_000_000.0 * 60 * 24
        let databases = try #require(derived.first { $0.name == "pg_database_size_growth_bytes_per_day" })
        #expect(abs((databases.samples.first { $0.labels == [Label("datname", "app")] }?.value ?? 0) - perDay) < 1)
        #expect(databases.samples.first { $0.labels == [Label("datname", "archive")] }?.value == 0)
        let tables = try #require(derived.first { $0.name == "pg_stat_user_tables_total_size_growth_bytes_per_day" })
        #expect(tables.samples.map(\.labels) == [[Label("datname", "app"), Label("schemaname", "public"), Label("relname", "events")]])
        #expect(abs((tables.samples.first?.value ?? 0) - perDay) < 1)
        // The budget: only the growing database gets a countdown, from its current size.
        let budget = try #require(derived.first { $0.name == "pg_database_size_budget_forecast_seconds" })
        #expect(budget.samples.map(\.labels) == [[Label("datname", "app")]])
        let secondsToBudget: Double = (10_000_000_000 - 5_010_000_000) / (1_000_000 / 60)
        #expect(abs((budget.samples.first?.value ?? 0) - secondsToBudget) < 1)
    }

    @Test func aSequenceRunningOutIsForecastFromItsUsedShare() async throws {
        let store = SampleStore()
        let collector = SequencesCollector(limit: 5, window: .seconds(3600))
        var derived: [MetricFamily] = []
        // 1 % of the range a minute on orders_id_seq; a sequence at rest beside it.
        for minute in 0...10 {
            let families = try SequencesCollector.families(sequences: [
                (
                    "app",
                    [
                        Row([
                            "schemaname": "public", "sequencename": "orders_id_seq", "last_value": "1",
                            "used_ratio": "\(0.5 + 0.01 * Double(minute))", "unreadable": nil,
                        ]),
                        Row(["schemaname": "public", "sequencename": "idle_seq", "last_value": "9", "used_ratio": "0.9", "unreadable": nil]),
                        Row(["schemaname": nil, "sequencename": nil, "last_value": nil, "used_ratio": nil, "unreadable": "3"]),
                    ]
                )
            ])
            derived = await run(collector, families, store: store, at: Double(minute) * 60)
            if minute == 0 {
                #expect(families.first { $0.name == "pg_sequences_unreadable" }?.samples == [Sample(labels: [Label("datname", "app")], value: 3)])
                #expect(families.first { $0.name == "pg_sequence_used_ratio" }?.samples.count == 2)
            }
        }
        let forecast = try #require(derived.first { $0.name == "pg_sequence_exhaustion_forecast_seconds" })
        #expect(forecast.samples.map { $0.labels.last?.value } == ["orders_id_seq"])
        // 40 % of the range left at 1 % a minute: 40 minutes.
        #expect(abs((forecast.samples.first?.value ?? 0) - 2400) < 1)
    }
}
