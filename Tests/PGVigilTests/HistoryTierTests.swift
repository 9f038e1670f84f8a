// Consolidated tiers: days of history at 5-minute steps beside the raw hour, read where the raw
// points end, saved and restored, made to fit a changed config. Time is injected: 9 days of
// samples are appended with their timestamps, nothing waits.

import Testing

@testable import Store

@Suite struct HistoryTierTests {
    static let day = 86_400.0
    /// 5-minute steps kept 8 days, as the default config has them.
    static let tiers = [HistoryTier(step: 300, keep: 8 * day)]
    static let start = 1_700_000_100.0  // not on a step boundary
    static let labels = [Label("target", "t"), Label("datname", "app")]

    /// An archive fed every 15 s for `days` days: a gauge rising 1 a second (so each step's
    /// average is its middle's value) with a dip at each step's first sample, and a counter.
    private func archive(days: Double, tiers: [HistoryTier] = tiers) -> (archive: SeriesArchive, now: Double) {
        let archive = SeriesArchive(tiers: tiers)
        var now = Self.start
        while now < Self.start + days * Self.day {
            let firstOfStep = now.truncatingRemainder(dividingBy: 300) < 15
            archive.append(
                [
                    MetricFamily(
                        name: "pg_database_size_bytes", help: "", type: .gauge,
                        samples: [Sample(labels: Self.labels, value: firstOfStep ? -1 : now - Self.start)]),
                    MetricFamily(
                        name: "pg_stat_database_xact_commit_total", help: "", type: .counter, samples: [Sample(labels: Self.labels, value: now)]),
                ], source: SeriesSource(target: "t", collector: "c"), timestamp: now, capacity: 240, retention: 7200)
            now += 15
        }
        return (archive, now - 15)
    }

    private func points(_ archive: SeriesArchive, _ name: String, window: Double, now: Double, _ consolidation: Consolidation = .avg) -> [SeriesPoint]
    {
        archive.series(named: name, window: window, now: now, consolidation: consolidation) { _ in true }.first?.points ?? []
    }

    @Test func aWindowBeyondTheRawHourGoesOnInFiveMinuteSteps() throws {
        let (archive, now) = archive(days: 2)
        let week = points(archive, "pg_database_size_bytes", window: 2 * Self.day, now: now)
        let raw = week.filter { $0.timestamp > now - 3600 }
        let consolidated = week.filter { $0.timestamp <= now - 3600 }
        #expect(raw.count == 240)
        // Two days back, less the raw hour, at one point a step; the raw hour follows the last whole step.
        #expect(consolidated.count >= 563 && consolidated.count <= 564, "\(consolidated.count)")
        #expect(zip(consolidated, consolidated.dropFirst()).allSatisfy { $1.timestamp - $0.timestamp == 300 })
        let lastStepEnd = try #require(consolidated.last).timestamp + 150
        let firstRaw = try #require(raw.first).timestamp
        #expect(lastStepEnd <= firstRaw && firstRaw - lastStepEnd < 300)
        let firstConsolidated = try #require(consolidated.first).timestamp
        #expect(firstConsolidated >= now - 2 * Self.day)
        // A step's average, minimum and maximum: its 20 samples, the first of them the dip.
        let middle = consolidated[100]
        let sampleTimes = (1..<20).map { middle.timestamp - 150 + Double($0) * 15 }.map { $0 - Self.start }
        let average = (sampleTimes.reduce(0, +) - 1) / 20
        #expect(abs(middle.value - average) < 1e-6)
        let minimums = points(archive, "pg_database_size_bytes", window: 2 * Self.day, now: now, .min).filter { $0.timestamp <= now - 3600 }
        let maximums = points(archive, "pg_database_size_bytes", window: 2 * Self.day, now: now, .max).filter { $0.timestamp <= now - 3600 }
        #expect(minimums[100] == SeriesPoint(timestamp: middle.timestamp, value: -1))
        let lastSample = try #require(sampleTimes.last)
        #expect(maximums[100] == SeriesPoint(timestamp: middle.timestamp, value: lastSample))
        // A counter keeps its last value of each step, whichever figure is asked for.
        let counter = points(archive, "pg_stat_database_xact_commit_total", window: 2 * Self.day, now: now, .min).filter {
            $0.timestamp <= now - 3600
        }
        #expect(counter[100].value == middle.timestamp + 135)
        // Within the raw hour, only raw points (both ends of the window included).
        let halfHour = points(archive, "pg_database_size_bytes", window: 1800, now: now)
        #expect(halfHour.count == 121 && zip(halfHour, halfHour.dropFirst()).allSatisfy { $1.timestamp - $0.timestamp == 15 })
    }

    @Test func pointsOlderThanTheTiersReachAreGoneAndForecastsReadTheTiers() async throws {
        let (archive, now) = archive(days: 9)
        let all = points(archive, "pg_database_size_bytes", window: 30 * Self.day, now: now)
        let oldest = try #require(all.first).timestamp
        #expect(oldest >= now - 8 * Self.day - 600 && oldest < now - 8 * Self.day + 600, "\(now - oldest) s back")
        // What collectors read through SeriesHistory reaches the tiers too: a day back, not an hour.
        let store = SampleStore(archive: archive)
        let day = await TargetHistory(store: store, targetLabels: [Label("target", "t")])
            .points(name: "pg_database_size_bytes", labels: [Label("datname", "app")], window: .seconds(86_400), now: now)
        let firstOfDay = try #require(day.first).timestamp
        #expect(day.count > 280 && firstOfDay < now - 23 * 3600)
    }

    @Test func tiersAreSavedWithTheirOpenStepAndGoOnAfterARestore() throws {
        let (archive, now) = archive(days: 1)
        let restored = SeriesArchive(tiers: Self.tiers)
        try restored.restore(archive.snapshot())
        let before = points(archive, "pg_database_size_bytes", window: Self.day, now: now)
        #expect(points(restored, "pg_database_size_bytes", window: Self.day, now: now) == before)
        // The open step was saved: samples after the restore complete it, and both archives agree.
        for archive in [archive, restored] {
            for offset in stride(from: 15.0, through: 600, by: 15) {
                archive.append(
                    [MetricFamily(name: "pg_database_size_bytes", help: "", type: .gauge, samples: [Sample(labels: Self.labels, value: offset)])],
                    source: SeriesSource(target: "t", collector: "c"), timestamp: now + offset, capacity: 240, retention: 7200)
            }
        }
        #expect(
            points(restored, "pg_database_size_bytes", window: Self.day, now: now + 600)
                == points(archive, "pg_database_size_bytes", window: Self.day, now: now + 600))
    }

    @Test func aChangedTierConfigKeepsTheStepsItStillHas() throws {
        let (archive, now) = archive(days: 3)
        // Restarted with the 5-minute tier kept only a day, and an hourly tier added.
        let restored = SeriesArchive(tiers: [HistoryTier(step: 300, keep: Self.day), HistoryTier(step: 3600, keep: 30 * Self.day)])
        try restored.restore(archive.snapshot())
        restored.append(
            [MetricFamily(name: "pg_database_size_bytes", help: "", type: .gauge, samples: [Sample(labels: Self.labels, value: 1)])],
            source: SeriesSource(target: "t", collector: "c"), timestamp: now + 15, capacity: 240, retention: 7200)
        let kept = points(restored, "pg_database_size_bytes", window: 3 * Self.day, now: now + 15)
        let oldest = try #require(kept.first).timestamp
        // The 5-minute steps of the last day (the hourly tier starts empty).
        #expect(oldest > now - Self.day - 600 && oldest < now - Self.day + 600, "\(now - oldest) s back")
    }

    @Test func aSeriesThatLivedKeepsItsTiersThroughAnOutageAndAPassingOneDoesNot() throws {
        let (archive, now) = archive(days: 1)
        // A statement that showed for ten minutes, then left the top list.
        for offset in stride(from: 0.0, to: 600, by: 15) {
            archive.append(
                [MetricFamily(name: "passing", help: "", type: .gauge, samples: [Sample(labels: Self.labels, value: 1)])],
                source: SeriesSource(target: "t", collector: "other"), timestamp: now - 3 * 3600 + offset, capacity: 240, retention: 7200)
        }
        // Two hours later (past the 2 h retention) only another source writes: the sweep runs.
        for offset in stride(from: 0.0, to: 64 * 15, by: 15) {
            archive.append(
                [MetricFamily(name: "other", help: "", type: .gauge, samples: [Sample(labels: Self.labels, value: 1)])],
                source: SeriesSource(target: "u", collector: "c"), timestamp: now + 2 * 3600 + offset, capacity: 240, retention: 7200)
        }
        let later = now + 2 * 3600 + 64 * 15
        #expect(points(archive, "pg_database_size_bytes", window: Self.day, now: later).count > 250)
        #expect(points(archive, "passing", window: Self.day, now: later).isEmpty)
    }

    @Test func aClockFarAheadThenCorrectedDoesNotFreezeTheTier() {
        var tier = ConsolidatedSeries(tier: HistoryTier(step: 300, keep: Self.day), keepsExtremes: true)
        let start = 1_700_000_000.0
        tier.add(1, at: start, step: 300)
        tier.add(2, at: start + 300, step: 300)
        tier.add(99, at: start + 10 * 365 * Self.day, step: 300)  // a wrong clock, then corrected
        tier.add(3, at: start + 600, step: 300)
        tier.add(4, at: start + 900, step: 300)
        // The future step never closed (its one sample is dropped); the tier goes on from the corrected clock.
        #expect(tier.points(from: 0, before: .infinity, step: 300, .avg).map(\.value) == [1, 2, 3])
        // A step back by less than a step is counted in the open step.
        tier.add(5, at: start + 899, step: 300)
        tier.add(6, at: start + 1200, step: 300)
        #expect(tier.points(from: 0, before: .infinity, step: 300, .avg).map(\.value) == [1, 2, 3, 4.5])
    }

    @Test func seriesRestoredWithoutTiersGetThemOfTheirKindAtTheirNextSample() throws {
        let untiered = SeriesArchive()
        let counter = { (value: Double) in
            [MetricFamily(name: "pg_stat_database_xact_commit_total", help: "", type: .counter, samples: [Sample(labels: Self.labels, value: value)])]
        }
        untiered.append(counter(1), source: SeriesSource(target: "t", collector: "c"), timestamp: Self.start, capacity: 240, retention: 7200)
        let restored = SeriesArchive(tiers: Self.tiers)
        try restored.restore(untiered.snapshot())
        for step in 1...40 {
            restored.append(
                counter(Double(step)), source: SeriesSource(target: "t", collector: "c"), timestamp: Self.start + 15 * Double(step), capacity: 240,
                retention: 7200)
        }
        // A counter's tier keeps its last value: minimum and maximum read the same.
        let minimums = points(restored, "pg_stat_database_xact_commit_total", window: Self.day, now: Self.start + 3000, .min)
        let maximums = points(restored, "pg_stat_database_xact_commit_total", window: Self.day, now: Self.start + 3000, .max)
        #expect(minimums == maximums && minimums.count == 41)
    }

    @Test func theCurrentValueOfADerivedSeriesHoldsWhileItsCycleIsOpen() {
        let archive = SeriesArchive()
        let source = SeriesSource(target: "t", collector: "c")
        let forecast = [MetricFamily(name: "forecast_seconds", help: "", type: .gauge, samples: [Sample(labels: Self.labels, value: 60)])]
        let base = [MetricFamily(name: "age", help: "", type: .gauge, samples: [Sample(labels: Self.labels, value: 1)])]
        archive.append(base, source: source, timestamp: 100, capacity: 10, retention: 3600, completing: false)
        archive.append(forecast, source: source, timestamp: 100, capacity: 10, retention: 3600)
        // The next cycle's base families are stored, its derived ones not yet.
        archive.append(base, source: source, timestamp: 115, capacity: 10, retention: 3600, completing: false)
        #expect(archive.current(named: "forecast_seconds") { _ in true }.map(\.point) == [SeriesPoint(timestamp: 100, value: 60)])
        // Once that cycle completes without the forecast, it is no longer current.
        archive.append([], source: source, timestamp: 115, capacity: 10, retention: 3600)
        archive.append(base, source: source, timestamp: 130, capacity: 10, retention: 3600)
        #expect(archive.current(named: "forecast_seconds") { _ in true }.isEmpty)
    }

    @Test func aVersion2TierWithAStreamPerFigureIsReadIntoOne() throws {
        var writer = SnapshotWriter()
        writer.write(300.0)  // step
        writer.write(true)  // a gauge's tier
        writer.write(false)  // no open step
        // Averages, minimums and maximums of steps 1000…1003, each its own stream as version 2 saved them.
        for offset in [0.0, -1.0, 1.0] {
            var figure = CompressedSeries(capacity: 10)
            for step in 0..<4 { figure.append(cycle: UInt64(1000 + step), value: Double(step) + offset) }
            figure.write(to: &writer)
        }
        var reader = SnapshotReader(writer.bytes)
        let (step, tier) = try ConsolidatedSeries.read(from: &reader, version: 2)
        #expect(reader.isAtEnd)
        #expect(step == 300 && tier.capacity == 10)
        #expect(tier.closedSteps == 4)
        let averages = tier.points(from: 0, before: .infinity, step: 300, .avg)
        let middles: [Double] = [300_150, 300_450, 300_750, 301_050]  // steps 1000…1003 of 300 s, at their middle
        #expect(averages.map(\.timestamp) == middles)
        #expect(averages.map(\.value) == [0, 1, 2, 3])
        #expect(tier.points(from: 0, before: .infinity, step: 300, .min).map(\.value) == [-1, 0, 1, 2])
        #expect(tier.points(from: 0, before: .infinity, step: 300, .max).map(\.value) == [1, 2, 3, 4])
    }

    @Test(arguments: [true, false])
    func aVersion3OpenStepIsReadAsItsKindKeepsItAndIsSavedBack(keepsExtremes: Bool) throws {
        var writer = SnapshotWriter()
        writer.write(300.0)  // step
        writer.write(keepsExtremes)
        writer.write(true)  // an open step, as version 3 saved it: a 64-bit number and five figures
        writer.write(UInt64(5_700_000))
        for figure in [1.0, 9.0, 20.0, 4.0, 7.0] { writer.write(figure) }  // minimum, maximum, sum, count, last
        CompressedSeries(capacity: keepsExtremes ? 30 : 10).write(to: &writer)
        var reader = SnapshotReader(writer.bytes)
        let (step, tier) = try ConsolidatedSeries.read(from: &reader, version: 3)
        #expect(reader.isAtEnd && step == 300)
        let running: ConsolidatedSeries.Running = keepsExtremes ? .gauge(minimum: 1, maximum: 9, sum: 20, count: 4) : .counter(last: 7)
        #expect(tier.open == ConsolidatedSeries.OpenStep(number: 5_700_000, running: running))
        var saved = SnapshotWriter()
        tier.write(to: &saved, step: 300)
        var savedReader = SnapshotReader(saved.bytes)
        let (_, restored) = try ConsolidatedSeries.read(from: &savedReader, version: 4)
        #expect(savedReader.isAtEnd && restored.open == tier.open)
        // The open step closes into the figures of its kind.
        var closing = restored
        closing.add(0, at: 5_700_001 * 300, step: 300)
        let average = closing.points(from: 0, before: .infinity, step: 300, .avg).map(\.value)
        #expect(average == [keepsExtremes ? 5 : 7])
    }

    /// Each series holds one per tier, and the raw one: their fixed fields are what a series costs
    /// before any point, so they are kept packed (README, "Footprint beside postgres_exporter").
    @Test func aSeriesAndItsTiersStayPacked() {
        #expect(MemoryLayout<CompressedSeries>.size == 56)
        #expect(MemoryLayout<ConsolidatedSeries>.stride == 96)
    }
}
