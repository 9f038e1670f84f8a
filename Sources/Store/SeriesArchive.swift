// The ring buffers of every series, behind a lock so HTTP handlers read history without awaiting the store.
import NIOConcurrencyHelpers

/// Every series' recent points, one fixed-size ring buffer each.
///
/// Written by `SampleStore` after each collector run; read by window queries, `/api/v1/series`
/// and the status page. The lock is held only for in-memory work (never across an await), so the
/// event loop reads history without waiting on the store actor or on PostgreSQL.
package final class SeriesArchive: Sendable {
    /// A series' points and how long it is kept after its last update.
    fileprivate struct StoredSeries {
        var points: RingBuffer<SeriesPoint>
        var lastUpdated: Double
        var retention: Double

        mutating func record(_ point: SeriesPoint) {
            points.append(point)
            lastUpdated = point.timestamp
        }
    }

    /// The buffers by family name, then by label set (so a query for one family reads only its
    /// series), and a counter that spaces out sweeps of forgotten series.
    private struct Contents {
        var families: [String: [[Label]: StoredSeries]] = [:]
        var appendsSinceSweep = 0
    }

    /// One series' points as a query returns them.
    package struct SeriesHistoryEntry: Sendable {
        /// All labels, `target` first.
        package var labels: [Label]
        /// Oldest first.
        package var points: [SeriesPoint]
    }

    private let contents = NIOLockedValueBox(Contents())

    /// Creates an empty archive.
    package init() {}

    /// Appends each sample of `families` at `timestamp` to its series' ring buffer, created with
    /// `capacity` points; a series not updated for `retention` seconds is eventually forgotten.
    package func append(_ families: [MetricFamily], timestamp: Double, capacity: Int, retention: Double) {
        contents.withLockedValue { contents in
            for family in families {
                // One lookup per family and one per series, appended in place (no copy of the buffers).
                contents.families[family.name, default: [:]].record(family.samples, at: timestamp, capacity: capacity, retention: retention)
            }
            contents.appendsSinceSweep += 1
            if contents.appendsSinceSweep >= 64 {
                contents.appendsSinceSweep = 0
                contents.families = contents.families
                    .mapValues { $0.filter { timestamp - $0.value.lastUpdated <= $0.value.retention } }
                    .filter { !$0.value.isEmpty }
            }
        }
    }

    /// The points of one series within the last `window` seconds before `now`, oldest first.
    package func points(_ key: SeriesKey, window: Double, now: Double) -> [SeriesPoint] {
        let start = now - window
        return contents.withLockedValue { $0.families[key.name]?[key.labels]?.points.suffix { $0.timestamp >= start } ?? [] }
    }

    /// Every series named `name` whose labels satisfy `isIncluded`, with its points within the last
    /// `window` seconds before `now`; series without points in the window are left out.
    ///
    /// Under the lock it only takes the family (a copy-on-write reference); `isIncluded` (which
    /// may run a regular expression) and the copying of points run outside it, so a costly
    /// selector never holds up the writers or other readers.
    package func series(named name: String, window: Double, now: Double, where isIncluded: ([Label]) throws -> Bool) rethrows -> [SeriesHistoryEntry]
    {
        let start = now - window
        let family = contents.withLockedValue { $0.families[name] ?? [:] }
        return try family.compactMap { labels, stored in
            guard try isIncluded(labels) else { return nil }
            let points = stored.points.suffix { $0.timestamp >= start }
            return points.isEmpty ? nil : SeriesHistoryEntry(labels: labels, points: points)
        }
    }
}

private extension Dictionary where Key == [Label], Value == SeriesArchive.StoredSeries {
    /// Appends each sample at `timestamp` to its series' buffer, created with `capacity` points.
    mutating func record(_ samples: [Sample], at timestamp: Double, capacity: Int, retention: Double) {
        for sample in samples {
            self[
                sample.labels,
                default: SeriesArchive.StoredSeries(points: RingBuffer(capacity: capacity), lastUpdated: timestamp, retention: retention)
            ]
            .record(SeriesPoint(timestamp: timestamp, value: sample.value))
        }
    }
}
