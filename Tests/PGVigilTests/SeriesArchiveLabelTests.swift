// Unit tests of the archive handing back its stored label sets, so a snapshot holds one copy.
import Testing

@testable import Store

@Suite struct SeriesArchiveLabelTests {
    /// Where an array's elements are: the same address means the same storage.
    private func storage(_ labels: [Label]) -> UnsafeRawPointer? {
        labels.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    private func family(_ relname: String, value: Double) -> MetricFamily {
        // Built afresh each time, as a collector's cycle builds its labels.
        let labels = [Label("target", "primary"), Label("relname", String(relname))]
        return MetricFamily(name: "pg_table_size_bytes", help: "", type: .gauge, samples: [Sample(labels: labels, value: value)])
    }

    @Test func aKnownSeriesIsGivenItsStoredLabels() {
        let archive = SeriesArchive()
        let source = SeriesSource(target: "primary", collector: "table_sizes")
        let first = archive.append([family("orders", value: 1)], source: source, timestamp: 1, capacity: 10, retention: 3600)
        let later = family("orders", value: 2)
        let second = archive.append([later], source: source, timestamp: 2, capacity: 10, retention: 3600)
        #expect(second[0].samples[0].labels == later.samples[0].labels)
        #expect(second[0].samples[0].value == 2)
        #expect(storage(second[0].samples[0].labels) == storage(first[0].samples[0].labels))
        #expect(storage(second[0].samples[0].labels) != storage(later.samples[0].labels))
        // A new series keeps the labels it came with.
        let other = family("lines", value: 3)
        let third = archive.append([other], source: source, timestamp: 3, capacity: 10, retention: 3600)
        #expect(storage(third[0].samples[0].labels) == storage(other.samples[0].labels))
    }
}
