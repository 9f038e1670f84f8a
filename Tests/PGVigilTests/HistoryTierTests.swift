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
}
