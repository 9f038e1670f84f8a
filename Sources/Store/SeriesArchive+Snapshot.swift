// The history saved to disk and read back: every series and timeline as they are in memory.
import NIOConcurrencyHelpers

/// The saved form (`PGVH`, version 4), integers little-endian:
///
/// - `PGVH`, the version (u32), then the timelines (count; each: capacity, next cycle, oldest
///   cycle held, whether the latest is open, one instant per slot), the sources (count; each:
///   target, collector, timeline index), the families (count; each: name and series; each
///   series: labels, timeline index, last update, retention, its `CompressedSeries` with its
///   stream's words, and its tiers: count, each a `ConsolidatedSeries`), and the remote-write
///   read marks (count; each: the endpoint's name and its (timeline index, last cycle sent) pairs);
/// - the FNV-1a 64 of all of that.
///
/// Compressed as in memory (about 2 bytes a point), so saving and loading cost a copy, not an
/// encoding; a file that is truncated, flipped or inconsistent is refused as a whole. Version 1
/// (before tiers: no tier count), 2 (a stream per figure of a tier) and 3 (a tier's open step
/// with all five figures) are read too.
extension SeriesArchive {
    private static let magic: [UInt8] = Array("PGVH".utf8)
    private static let version: UInt32 = 4

    /// The archive as it is now, with how far each remote-write endpoint got (`marks`, by name),
    /// in the saved form. The lock is held only to take the (copy-on-write) contents; the bytes
    /// are written outside it.
    package func snapshot(marks: [String: ArchiveReadMark] = [:]) -> [UInt8] {
        let contents = contents.withLockedValue { $0 }
        var writer = SnapshotWriter()
        writer.append(Self.magic)
        writer.write(Self.version)
        writer.write(count: contents.timelines.count)
        for timeline in contents.timelines { timeline.write(to: &writer) }
        writer.write(count: contents.timelineOfSource.count)
        for (source, index) in contents.timelineOfSource.sorted(by: { $0.value < $1.value }) {
            writer.write(source.target)
            writer.write(source.collector)
            writer.write(count: index)
        }
        writer.write(count: contents.families.count)
        for (name, family) in contents.families {
            writer.write(name)
            writer.write(count: family.count)
            for (labels, stored) in family {
                writer.write(count: labels.count)
                for label in labels {
                    writer.write(label.name)
                    writer.write(label.value)
                }
                writer.write(count: stored.timeline)
                writer.write(stored.lastUpdated)
                writer.write(stored.retention)
                stored.points.write(to: &writer)
                writer.write(count: stored.consolidated.count)
                for (series, tier) in zip(stored.consolidated, tiers) { series.write(to: &writer, step: tier.step) }
            }
        }
        writer.write(count: marks.count)
        for (name, mark) in marks.sorted(by: { $0.key < $1.key }) {
            writer.write(name)
            writer.write(count: mark.cycles.count)
            for (timeline, cycle) in mark.cycles.sorted(by: { $0.key < $1.key }) {
                writer.write(count: timeline)
                writer.write(cycle)
            }
        }
        var bytes = writer.bytes
        let checksum = snapshotChecksum(bytes[...])
        var trailer = SnapshotWriter()
        trailer.write(checksum)
        bytes += trailer.bytes
        return bytes
    }

    /// Replaces the contents with a saved history (at start, before anything is appended) and
    /// returns the remote-write marks saved with it. Throws, leaving the archive as it was, when
    /// the bytes are not a whole, consistent save.
    @discardableResult
    package func restore(_ bytes: [UInt8]) throws(ArchiveSnapshotError) -> [String: ArchiveReadMark] {
        guard bytes.count >= Self.magic.count + 12, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw ArchiveSnapshotError(message: "not a pgvigil history file")
        }
        var trailer = SnapshotReader(Array(bytes.suffix(8)))
        guard try trailer.readUInt64() == snapshotChecksum(bytes.dropLast(8)) else {
            throw ArchiveSnapshotError(message: "its checksum does not match (the file changed on disk)")
        }
        var reader = SnapshotReader(Array(bytes.dropLast(8)))
        _ = try (0..<Self.magic.count).map { _ throws(ArchiveSnapshotError) in try reader.readUInt8() }
        let version = try reader.readUInt32()
        guard (1...Self.version).contains(version) else {
            throw ArchiveSnapshotError(message: "version \(version) (this pgvigil reads 1 to \(Self.version))")
        }
        var restored = Contents()
        let limit = bytes.count
        for _ in 0..<(try reader.readCount(limit: limit, of: "timeline count")) {
            restored.timelines.append(try CycleTimeline(from: &reader))
        }
        for _ in 0..<(try reader.readCount(limit: limit, of: "source count")) {
            let source = SeriesSource(target: try reader.readString(), collector: try reader.readString())
            let index = try reader.readCount(limit: restored.timelines.count - 1, of: "a source's timeline")
            restored.timelineOfSource[source] = index
        }
        for _ in 0..<(try reader.readCount(limit: limit, of: "family count")) {
            let name = try reader.readString()
            var family: [[Label]: StoredSeries] = [:]
            for _ in 0..<(try reader.readCount(limit: limit, of: "series count")) {
                var labels: [Label] = []
                for _ in 0..<(try reader.readCount(limit: limit, of: "label count")) {
                    labels.append(Label(try reader.readString(), try reader.readString()))
                }
                let timeline = try reader.readCount(limit: restored.timelines.count - 1, of: "a series' timeline")
                let lastUpdated = try reader.readDouble()
                let retention = try reader.readDouble()
                let points = try CompressedSeries(from: &reader)
                // A series' points are of its timeline's cycles: none after the latest.
                if let last = points.lastCycle, last >= restored.timelines[timeline].nextCycle {
                    throw ArchiveSnapshotError(message: "series \(name) has a point after its timeline's latest cycle")
                }
                var series = StoredSeries(points: points, timeline: timeline, lastUpdated: lastUpdated, retention: retention)
                var saved: [(step: Double, series: ConsolidatedSeries)] = []
                if version >= 2 {
                    for _ in 0..<(try reader.readCount(limit: 16, of: "a series' tier count")) {
                        saved.append(try ConsolidatedSeries.read(from: &reader, version: version))
                    }
                }
                // Made to fit this agent's tiers now, so appends never compare them.
                series.consolidated = saved.reconciled(with: tiers)
                family[labels] = series
            }
            restored.families[name] = family
        }
        var marks: [String: ArchiveReadMark] = [:]
        for _ in 0..<(try reader.readCount(limit: limit, of: "mark count")) {
            let name = try reader.readString()
            var mark = ArchiveReadMark()
            for _ in 0..<(try reader.readCount(limit: limit, of: "a mark's timeline count")) {
                let timeline = try reader.readCount(limit: restored.timelines.count - 1, of: "a mark's timeline")
                mark.cycles[timeline] = try reader.readUInt64()
            }
            marks[name] = mark
        }
        guard reader.isAtEnd else { throw ArchiveSnapshotError(message: "\(limit - 8 - reader.position) bytes after the last family") }
        contents.withLockedValue { $0 = restored }
        return marks
    }

    /// A read mark after everything recorded so far: where a reader starts that takes a
    /// restored history as already delivered.
    package func markAfterEverything() -> ArchiveReadMark {
        var mark = ArchiveReadMark()
        let timelines = contents.withLockedValue { $0.timelines }
        for (index, timeline) in timelines.enumerated() {
            if let latest = timeline.latestCycle { mark.cycles[index] = latest }
        }
        return mark
    }

    /// The targets whose sources have a timeline.
    package func targets() -> Set<String> {
        contents.withLockedValue { Set($0.timelineOfSource.keys.map(\.target)) }
    }
}
