// Unit tests of forgetting a target's history, as a reload that removes it does.
import Testing

@testable import Store

@Suite struct SeriesArchiveForgetTests {
    @Test func forgettingATargetDropsItsSeriesAndKeepsTheOthers() {
        let archive = SeriesArchive()
        for step in 0..<5 {
            for target in ["primary", "replica"] {
                let up = MetricFamily(name: "pg_up", help: "", type: .gauge, samples: [Sample(labels: [Label("target", target)], value: 1)])
                archive.append([up], source: SeriesSource(target: target, collector: "self"), timestamp: Double(step), capacity: 10, retention: 3600)
            }
        }
        func count(_ target: String) -> Int {
            archive.series(named: "pg_up", window: 3600, now: 5) { $0.first?.value == target }.first?.points.count ?? 0
        }
        #expect(count("primary") == 5 && count("replica") == 5)
        archive.forget(target: "replica")
        #expect(count("replica") == 0)
        #expect(count("primary") == 5)
        // A target of the same name added later starts afresh, and the others go on.
        for target in ["primary", "replica"] {
            let up = MetricFamily(name: "pg_up", help: "", type: .gauge, samples: [Sample(labels: [Label("target", target)], value: 1)])
            archive.append([up], source: SeriesSource(target: target, collector: "self"), timestamp: 5, capacity: 10, retention: 3600)
        }
        #expect(count("replica") == 1 && count("primary") == 6)
    }
}
