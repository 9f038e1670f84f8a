// The history's saved form: read back point for point, continued where it stopped, and refused
// whole when damaged.

import Testing

@testable import Store

@Suite struct ArchiveSnapshotTests {
    private func family(_ name: String, _ samples: [([Label], Double)]) -> MetricFamily {
        MetricFamily(name: name, help: "", type: .gauge, samples: samples.map { Sample(labels: $0.0, value: $0.1) })
    }

    /// An archive of two sources over 300 cycles (more than the 240 points kept: the oldest were
    /// cut), with a series that skips cycles, one that stops, a NaN and values that change.
    private func filledArchive() -> SeriesArchive {
        let archive = SeriesArchive()
        let primary = [Label("target", "primary")]
        for cycle in 0..<300 {
            let at = 1_000_000 + Double(cycle) * 15
            var samples: [([Label], Double)] = [(primary + [Label("datname", "app")], Double(cycle * cycle) / 7)]
            if cycle % 3 == 0 { samples.append((primary + [Label("datname", "rare")], cycle == 99 ? .nan : 1)) }
            if cycle < 100 { samples.append((primary + [Label("datname", "dropped")], 5)) }
            archive.append(
                [family("pg_database_size_bytes", samples)], source: SeriesSource(target: "primary", collector: "table_sizes"), timestamp: at,
                capacity: 240, retention: 7200)
            archive.append(
                [family("pg_up", [([Label("target", "replica")], Double(cycle % 2))])], source: SeriesSource(target: "replica", collector: "up"),
                timestamp: at + 1, capacity: 240, retention: 7200)
        }
        return archive
    }

    private func everything(_ archive: SeriesArchive) -> [String: [SeriesPoint]] {
        var all: [String: [SeriesPoint]] = [:]
        for name in ["pg_database_size_bytes", "pg_up"] {
            for entry in archive.series(named: name, window: 1e9, now: 2_000_000, where: { _ in true }) {
                all[name + "\(entry.labels)"] = entry.points
            }
        }
        return all
    }

    @Test func aSavedArchiveReadsBackPointForPoint() throws {
        let archive = filledArchive()
        let restored = SeriesArchive()
        try restored.restore(archive.snapshot())
        let (before, after) = (everything(archive), everything(restored))
        #expect(before.count == 4)
        #expect(before.keys.sorted() == after.keys.sorted())
        for (key, points) in before {
            let again = after[key] ?? []
            // NaN is not equal to itself: compare the bits.
            #expect(points.map(\.timestamp) == again.map(\.timestamp), "\(key)")
            #expect(points.map(\.value.bitPattern) == again.map(\.value.bitPattern), "\(key)")
        }
        #expect(restored.targets() == ["primary", "replica"])
    }

    @Test func aRestoredArchiveGoesOnWhereItStoppedAndRemoteWriteStartsAfterIt() throws {
        let restored = SeriesArchive()
        try restored.restore(filledArchive().snapshot())
        let mark = restored.markAfterEverything()
        restored.append(
            [family("pg_up", [([Label("target", "replica")], 7)])], source: SeriesSource(target: "replica", collector: "up"),
            timestamp: 1_000_000 + 300 * 15 + 1, capacity: 240, retention: 7200)
        let up = restored.points(SeriesKey(name: "pg_up", labels: [Label("target", "replica")]), window: 1e9, now: 2_000_000)
        #expect(up.count == 240 && up.last == SeriesPoint(timestamp: 1_004_501, value: 7))
        #expect(zip(up, up.dropFirst()).allSatisfy { $0.timestamp + 15 == $1.timestamp })
        // Only the cycle after the restore is new to a reader that starts at the mark.
        let recorded = restored.recorded(after: mark)
        #expect(recorded.series.map(\.points) == [[SeriesPoint(timestamp: 1_004_501, value: 7)]] && recorded.lost == 0)
    }

    @Test func remoteWriteMarksAreSavedBesideTheHistorySoARestartSendsWhatWasNotSent() throws {
        let archive = filledArchive()
        // "mimir" got everything but the last cycle of each source; "local" nothing yet.
        var behind = archive.markAfterEverything()
        for (timeline, cycle) in behind.cycles { behind.cycles[timeline] = cycle - 1 }
        let restored = SeriesArchive()
        let marks = try restored.restore(archive.snapshot(marks: ["mimir": behind, "local": ArchiveReadMark()]))
        #expect(marks == ["mimir": behind, "local": ArchiveReadMark()])
        let unsent = restored.recorded(after: try #require(marks["mimir"]))
        // The last cycle (299): the app series and pg_up (the rare series is written every third cycle).
        #expect(unsent.series.map(\.points.count).reduce(0, +) == 2)
        #expect(unsent.lost == 0)
    }

    @Test func aRestoredSeriesTakesTheCapacityTheConfigNowAsks() throws {
        let restored = SeriesArchive()
        try restored.restore(filledArchive().snapshot())
        let key = SeriesKey(name: "pg_up", labels: [Label("target", "replica")])
        #expect(restored.points(key, window: 1e9, now: 2_000_000).count == 240)
        // history shortened across the restart: 100 points kept from now on.
        restored.append(
            [family("pg_up", [([Label("target", "replica")], 7)])], source: SeriesSource(target: "replica", collector: "up"),
            timestamp: 1_004_501, capacity: 100, retention: 3600)
        let points = restored.points(key, window: 1e9, now: 2_000_000)
        #expect(points.count == 100 && points.last?.value == 7)
    }

    @Test func aDamagedFileIsRefusedWholeAndTheArchiveKeptAsItWas() {
        let saved = filledArchive().snapshot()
        var flipped = saved
        flipped[saved.count / 2] ^= 0x10
        let cases: [([UInt8], String)] = [
            (flipped, "its checksum does not match (the file changed on disk)"),
            (Array(saved.prefix(saved.count - 100)), "its checksum does not match (the file changed on disk)"),
            (Array("PGVX".utf8) + saved.dropFirst(4), "not a pgvigil history file"), ([], "not a pgvigil history file"),
        ]
        for (bytes, message) in cases {
            let archive = SeriesArchive()
            archive.append(
                [family("pg_up", [([Label("target", "kept")], 1)])], source: SeriesSource(target: "kept", collector: "up"), timestamp: 1,
                capacity: 10, retention: 100)
            #expect(throws: ArchiveSnapshotError(message: message)) { try archive.restore(bytes) }
            #expect(archive.targets() == ["kept"])
        }
    }

    @Test func aFileWhoseChecksumHoldsButWhosePartsDoNotFitIsRefused() {
        // A consistent checksum over inconsistent contents (a bug, or a file made by hand):
        // a timeline claiming more cycles than it has room for.
        var writer = SnapshotWriter()
        writer.append(Array("PGVH".utf8))
        writer.write(UInt32(1))
        writer.write(count: 1)
        writer.write(count: 2)
        writer.write(UInt64(10))
        writer.write(UInt64(0))
        writer.write(false)
        writer.write(1.0)
        writer.write(2.0)
        var bytes = writer.bytes
        var trailer = SnapshotWriter()
        trailer.write(snapshotChecksum(bytes[...]))
        bytes += trailer.bytes
        #expect(throws: ArchiveSnapshotError(message: "a timeline's cycles 0..<10 do not fit its 2 slots")) { try SeriesArchive().restore(bytes) }
    }
}
