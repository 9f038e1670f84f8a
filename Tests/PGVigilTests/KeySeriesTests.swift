// Unit tests of the status page's derived series: counters are rated per series, then summed.

import Testing

@testable import HTTP
@testable import Store

@Suite struct KeySeriesTests {
    private let now = 1_000_000.0
    private let target = Label("target", "primary")

    /// A minute per step; `app` runs throughout, `old` is dropped after step 5, `new` is created at step 8.
    private func archive() -> SeriesArchive {
        let archive = SeriesArchive()
        for step in 0...10 {
            let databases: [(name: String, commits: Double, hits: Double, reads: Double)] =
                [("app", 600 * Double(step), 90 * Double(step), 10 * Double(step))]
                + (step <= 5 ? [("old", 1_000_000 + 60 * Double(step), 1_000_000 + 100 * Double(step), 0)] : [])
                + (step >= 8 ? [("new", 5_000_000 + 120 * Double(step), 1_000_000 + 50 * Double(step), 1_000_000 + 50 * Double(step))] : [])
            func family(_ name: String, _ value: (String, Double, Double, Double) -> Double) -> MetricFamily {
                MetricFamily(
                    name: name, help: "", type: .counter,
                    samples: databases.map {
                        Sample(labels: [target, Label("datname", $0.name)], value: value($0.name, $0.commits, $0.hits, $0.reads))
                    })
            }
            archive.append(
                [
                    family("pg_stat_database_xact_commit_total") { _, commits, _, _ in commits },
                    family("pg_stat_database_xact_rollback_total") { _, _, _, _ in 0 },
                    family(CacheHitRatio.hitsName) { _, _, hits, _ in hits },
                    family(CacheHitRatio.readsName) { _, _, _, reads in reads },
                ], source: SeriesSource(target: "primary", collector: "test"), timestamp: now - 600 + 60 * Double(step), capacity: 100,
                retention: 3600)
        }
        return archive
    }

    @Test func transactionsPerSecondRatesEachDatabaseThenSums() {
        let points = KeySeries.transactionsPerSecond.points(in: archive(), target: "primary", window: 3600, now: now)
        // app 10/s throughout, old 1/s until it is dropped, new 2/s from its second sample:
        // neither the drop nor the creation draws a database's whole count as a spike.
        #expect(points.map(\.value) == [11, 11, 11, 11, 11, 10, 10, 10, 12, 12])
        #expect(points.map(\.timestamp) == (1...10).map { now - 600 + 60 * Double($0) })
    }

    @Test func cacheHitRatioSumsEachDatabasesIncrease() throws {
        let points = KeySeries.cacheHitRatio.points(in: archive(), target: "primary", window: 3600, now: now)
        let ratios = points.map { ($0.value * 1000).rounded() / 1000 }
        // (90 + 100) / 200 while old runs, 90 / 100 after, (90 + 50) / 200 once new has two samples.
        #expect(ratios == [0.95, 0.95, 0.95, 0.95, 0.95, 0.9, 0.9, 0.9, 0.7, 0.7])
    }
}
