// The compressed history of every series, behind a lock so HTTP handlers read it without awaiting the store.
import NIOConcurrencyHelpers

/// Every series' recent points, each series compressed (`CompressedSeries`) with its timestamps
/// kept once per cycle of the source that writes it (`CycleTimeline`), and its consolidated
/// points in each configured `HistoryTier` (`ConsolidatedSeries`). Reads over a window longer
/// than the raw points reach go on into the tiers: the finest first, each further back.
///
/// Written by `SampleStore` after each collector run; read by window queries, `/api/v1/series`
/// and the status page. The lock is held only for in-memory work (never across an await, and
/// never while decoding), so the event loop reads history without waiting on the store actor or
/// on PostgreSQL.
package final class SeriesArchive: Sendable {
    /// A series' points, the timeline of its source, and how long it is kept after its last update.
    struct StoredSeries {
        var points: CompressedSeries
        var timeline: Int
        var lastUpdated: Double
        var retention: Double
        /// One per tier of the archive's `tiers`, finest first (none until the first sample).
        var consolidated: [ConsolidatedSeries] = []

        /// Whether the series is forgotten at `timestamp`: not updated for its `retention`, or,
        /// once its first tier (of `tiers`) holds an hour of steps (a series that lived, not a
        /// passing one such as a statement that left the top list), for `tierReach`, so an outage
        /// or a table that left the top list for a while keeps its days of tiers.
        func isExpired(at timestamp: Double, tiers: [HistoryTier], tierReach: Double) -> Bool {
            let idle = timestamp - lastUpdated
            guard idle > retention else { return false }
            guard let first = consolidated.first, let step = tiers.first?.step, Double(first.closedSteps) * step >= 3600 else { return true }
            return idle > tierReach
        }

        /// Appends `value`, sampled at `timestamp` in `cycle`, to the raw points and to each of `tiers`.
        mutating func record(cycle: UInt64, value: Double, at timestamp: Double, tiers: [HistoryTier]) {
            points.append(cycle: cycle, value: value)
            for (index, tier) in zip(consolidated.indices, tiers) { consolidated[index].add(value, at: timestamp, step: tier.step) }
            lastUpdated = timestamp
        }

        /// The points since `start`: the raw ones, then, where they do not reach back that far,
        /// each of `tiers`' (as `consolidation` asks) before the oldest point found so far.
        func points(on timeline: CycleTimeline, since start: Double, tiers: [HistoryTier], _ consolidation: Consolidation = .avg) -> [SeriesPoint] {
            var found = points.points(on: timeline, since: start)
            var end = found.first?.timestamp ?? lastUpdated
            // A tier is decoded only when a whole step of it fits before the raw points: short
            // windows (rules, derived series) read the raw points alone.
            for (series, tier) in zip(consolidated, tiers) where end - start >= tier.step {
                let older = series.points(from: start, before: end, step: tier.step, consolidation)
                guard let oldest = older.first else { continue }
                found = older + found
                end = oldest.timestamp - tier.step / 2
            }
            return found
        }
    }

    /// The series by family name, then by label set (so a query for one family reads only its
    /// series); the sources' timelines (by index; each series names its own); and a counter that
    /// spaces out sweeps of forgotten series.
    struct Contents {
        var families: [String: [[Label]: StoredSeries]] = [:]
        var timelines: [CycleTimeline] = []
        var timelineOfSource: [SeriesSource: Int] = [:]
        var appendsSinceSweep = 0
    }

    /// One series' points as a query returns them.
    package struct SeriesHistoryEntry: Sendable {
        /// All labels, `target` first.
        package var labels: [Label]
        /// Oldest first.
        package var points: [SeriesPoint]
    }

    let contents = NIOLockedValueBox(Contents())
    /// The consolidated tiers every series keeps besides its raw points, finest first.
    package let tiers: [HistoryTier]
    /// The longest tier's `keep` (0 without tiers).
    let tierReach: Double

    /// Creates an empty archive whose series keep `tiers` (finest first) besides their raw points.
    package init(tiers: [HistoryTier] = []) {
        self.tiers = tiers.sorted { $0.step < $1.step }
        tierReach = tiers.map(\.keep).max() ?? 0
    }

    /// How far back reads reach at most: the raw `history`, or the longest tier's.
    package func reach(history: Double) -> Double {
        max(history, tierReach)
    }

    /// Appends each sample of `families`, written by `source` at `timestamp`, to its series, which
    /// keeps `capacity` points; a series not updated for `retention` seconds is eventually
    /// forgotten. Unless `completing`, more of the same cycle follows (its derived families), and
    /// `recorded(after:)` leaves the cycle for later.
    ///
    /// Returns `families` with each sample's labels replaced by its series' stored labels (equal,
    /// and the same storage): a snapshot kept from them holds no second copy of each label set.
    @discardableResult
    package func append(
        _ families: [MetricFamily], source: SeriesSource, timestamp: Double, capacity: Int, retention: Double, completing: Bool = true
    ) -> [MetricFamily] {
        var families = families
        contents.withLockedValue { contents in
            let timeline = contents.timeline(of: source, capacity: capacity)
            let cycle = contents.timelines[timeline].cycle(at: timestamp)
            contents.timelines[timeline].latestIsOpen = !completing
            let stored = StoredSeries(points: CompressedSeries(capacity: capacity), timeline: timeline, lastUpdated: timestamp, retention: retention)
            for index in families.indices {
                // One lookup per family and one per series, appended in place (no copy of the series).
                contents.families[families[index].name, default: [:]].record(
                    &families[index].samples, cycle: cycle, at: timestamp, new: stored, tiers: tiers, keepsExtremes: families[index].type != .counter)
            }
            contents.appendsSinceSweep += 1
            if contents.appendsSinceSweep >= 64 {
                contents.appendsSinceSweep = 0
                // Only the families that hold a forgotten series are rebuilt.
                let tiers = tiers
                let tierReach = tierReach
                let expired = { (series: StoredSeries) in series.isExpired(at: timestamp, tiers: tiers, tierReach: tierReach) }
                for (name, series) in contents.families where series.values.contains(where: expired) {
                    let kept = series.filter { !expired($0.value) }
                    contents.families[name] = kept.isEmpty ? nil : kept
                }
            }
        }
        return families
    }

    /// The points of one series within the last `window` seconds before `now`, oldest first.
    package func points(_ key: SeriesKey, window: Double, now: Double) -> [SeriesPoint] {
        let found = contents.withLockedValue { contents -> (StoredSeries, CycleTimeline)? in
            guard let stored = contents.families[key.name]?[key.labels] else { return nil }
            return (stored, contents.timelines[stored.timeline])
        }
        guard let (series, timeline) = found else { return [] }
        return series.points(on: timeline, since: now - window, tiers: tiers)
    }

    /// Every series named `name` whose labels satisfy `isIncluded`, with its points within the last
    /// `window` seconds before `now` (from the tiers, as `consolidation` asks, where the raw
    /// points do not reach back); series without points in the window are left out.
    ///
    /// Under the lock it only takes the family and the timelines (copy-on-write references);
    /// `isIncluded` (which may run a regular expression) and the decoding run outside it, so a
    /// costly selector never holds up the writers or other readers.
    package func series(
        named name: String, window: Double, now: Double, consolidation: Consolidation = .avg, where isIncluded: ([Label]) throws -> Bool
    ) rethrows -> [SeriesHistoryEntry] {
        let start = now - window
        let (family, timelines) = contents.withLockedValue { ($0.families[name] ?? [:], $0.timelines) }
        return try family.compactMap { labels, stored in
            guard try isIncluded(labels) else { return nil }
            let points = stored.points(on: timelines[stored.timeline], since: start, tiers: tiers, consolidation)
            return points.isEmpty ? nil : SeriesHistoryEntry(labels: labels, points: points)
        }
    }

    /// Every series named `name` whose labels satisfy `isIncluded` and that has a point in its
    /// source's latest cycle, with that point: what the collector reported last time it ran (a
    /// series it no longer reports, such as a forecast that went absent, is left out). Decodes nothing.
    package func current(named name: String, where isIncluded: ([Label]) -> Bool) -> [(labels: [Label], point: SeriesPoint)] {
        let (family, timelines) = contents.withLockedValue { ($0.families[name] ?? [:], $0.timelines) }
        return family.compactMap { labels, stored in
            let timeline = timelines[stored.timeline]
            // While a cycle is open (its derived families not yet stored), the one before it is current too.
            guard let cycle = stored.points.lastCycle, let latest = timeline.latestCycle,
                cycle == latest || (timeline.latestIsOpen && cycle + 1 == latest), let value = stored.points.lastValue,
                let timestamp = timeline.timestamp(of: cycle), isIncluded(labels)
            else { return nil }
            return (labels, SeriesPoint(timestamp: timestamp, value: value))
        }
    }

    /// What was recorded after `mark`: every series with its points of later cycles (oldest
    /// first; its labels as stored after `__name__`), the mark after them, and how many cycles' points of each series
    /// were lost because the history no longer held them (summed over the series).
    package func recorded(after mark: ArchiveReadMark) -> (series: [SeriesHistoryEntry], mark: ArchiveReadMark, lost: Int) {
        let (families, timelines) = contents.withLockedValue { ($0.families, $0.timelines) }
        var next = ArchiveReadMark()
        var lost = 0
        var seriesPerTimeline: [Int: Int] = [:]
        for family in families.values {
            for stored in family.values { seriesPerTimeline[stored.timeline, default: 0] += 1 }
        }
        for (index, timeline) in timelines.enumerated() {
            // A cycle is read once complete: its derived families stored too (or a later cycle begun).
            guard let latest = timeline.latestCycle, !(timeline.latestIsOpen && latest == 0) else { continue }
            next.cycles[index] = timeline.latestIsOpen ? latest - 1 : latest
            // Cycles after the mark that the timeline no longer holds were never read.
            let firstWanted = mark.cycles[index].map { $0 + 1 } ?? timeline.oldestCycle
            if timeline.oldestCycle > firstWanted { lost += Int(timeline.oldestCycle - firstWanted) * (seriesPerTimeline[index] ?? 0) }
        }
        var series: [SeriesHistoryEntry] = []
        for (name, family) in families {
            for (labels, stored) in family {
                guard let through = next.cycles[stored.timeline] else { continue }
                let points = stored.points.points(on: timelines[stored.timeline], after: mark.cycles[stored.timeline], through: through)
                if !points.isEmpty { series.append(SeriesHistoryEntry(labels: [Label("__name__", name)] + labels, points: points)) }
            }
        }
        return (series, next, lost)
    }
}

extension SeriesArchive {
    /// Forgets every series `target`'s sources wrote and frees their timelines (the slots stay,
    /// one empty timeline each, so the other sources' indices hold).
    package func forget(target: String) {
        contents.withLockedValue { contents in
            let sources = contents.timelineOfSource.filter { $0.key.target == target }
            let timelines = Set(sources.values)
            guard !timelines.isEmpty else { return }
            for (name, series) in contents.families where series.values.contains(where: { timelines.contains($0.timeline) }) {
                let kept = series.filter { !timelines.contains($0.value.timeline) }
                contents.families[name] = kept.isEmpty ? nil : kept
            }
            for index in timelines { contents.timelines[index] = CycleTimeline(capacity: 1) }
            for source in sources.keys { contents.timelineOfSource[source] = nil }
        }
    }
}

private extension SeriesArchive.Contents {
    /// The index of `source`'s timeline, made (or grown) to hold `capacity` cycles.
    mutating func timeline(of source: SeriesSource, capacity: Int) -> Int {
        if let index = timelineOfSource[source] {
            timelines[index].grow(to: capacity)
            return index
        }
        timelines.append(CycleTimeline(capacity: capacity))
        timelineOfSource[source] = timelines.count - 1
        return timelines.count - 1
    }
}

private extension Dictionary where Key == [Label], Value == SeriesArchive.StoredSeries {
    /// Appends each sample at `cycle` (at `timestamp`) to its series, made from `new` with empty
    /// `tiers` (keeping extremes or not) if it has none; a series restored with another capacity
    /// or retention (the config changed across a restart) takes `new`'s first. A sample of a
    /// known series is given the series' stored labels.
    mutating func record(
        _ samples: inout [Sample], cycle: UInt64, at timestamp: Double, new: SeriesArchive.StoredSeries, tiers: [HistoryTier], keepsExtremes: Bool
    ) {
        for position in samples.indices {
            let sample = samples[position]
            // One hash of the labels for a known series: it is updated in place through its index.
            guard let index = index(forKey: sample.labels) else {
                var series = new
                series.consolidated = tiers.map { ConsolidatedSeries(tier: $0, keepsExtremes: keepsExtremes) }
                series.record(cycle: cycle, value: sample.value, at: timestamp, tiers: tiers)
                self[sample.labels] = series
                continue
            }
            samples[position].labels = keys[index]
            if values[index].points.capacity != new.points.capacity || values[index].retention != new.retention {
                values[index].points = values[index].points.resized(to: Int(new.points.capacity))
                values[index].retention = new.retention
            }
            if values[index].consolidated.count != tiers.count {
                // Restored without tiers (a version 1 file, or tiers configured since): made now, when the kind is known.
                values[index].consolidated = tiers.map { ConsolidatedSeries(tier: $0, keepsExtremes: keepsExtremes) }
            }
            values[index].record(cycle: cycle, value: sample.value, at: timestamp, tiers: tiers)
        }
    }
}

extension [(step: Double, series: ConsolidatedSeries)] {
    /// Restored tiers (each with the step it was saved with) made to fit `tiers`, the configured
    /// ones: a tier whose step is still configured keeps its points (resized to the configured
    /// reach); the others start empty, of the kind the restored ones were. None when none were
    /// saved (made at the next record).
    func reconciled(with tiers: [HistoryTier]) -> [ConsolidatedSeries] {
        guard let keepsExtremes = first?.series.keepsExtremes else { return [] }
        return tiers.map { tier in
            guard let kept = first(where: { $0.step == tier.step }) else { return ConsolidatedSeries(tier: tier, keepsExtremes: keepsExtremes) }
            return kept.series.resized(toCapacity: tier.capacity)
        }
    }
}
