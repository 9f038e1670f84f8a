// One series' points in one history tier: a step's samples summarised, compressed as the raw ring is.

/// The consolidated points of one series in one `HistoryTier`: for each step (numbered from the
/// Unix epoch, `timestamp / step` rounded down) that had samples, their minimum, average and
/// maximum, or for a counter only its last value (a counter's average means nothing, and its
/// last value is its minimum and maximum within a step unless it was reset). Each figure is a
/// `CompressedSeries` whose cycles are step numbers, so a step without samples costs nothing and
/// a steady value about two bits.
///
/// The step being filled is held open (its running figures) and written when a sample of a
/// later step arrives; reads return closed steps only, stamped at their middle (where a
/// least-squares fit should place an average).
struct ConsolidatedSeries: Sendable {
    /// The running figures of the step being filled.
    struct OpenStep: Sendable, Equatable {
        var number: UInt64
        var minimum: Double
        var maximum: Double
        var sum: Double
        var count: Double
        var last: Double
    }

    let step: Double
    /// Whether the minimum and maximum are kept (gauges), or only the last value (counters).
    let keepsExtremes: Bool
    private(set) var open: OpenStep?
    /// The averages (a counter's last values).
    private var averages: CompressedSeries
    private var minimums: CompressedSeries
    private var maximums: CompressedSeries

    /// An empty series in `tier`; `keepsExtremes` for a gauge.
    init(tier: HistoryTier, keepsExtremes: Bool) {
        step = tier.step
        self.keepsExtremes = keepsExtremes
        averages = CompressedSeries(capacity: tier.capacity)
        minimums = CompressedSeries(capacity: keepsExtremes ? tier.capacity : 1)
        maximums = CompressedSeries(capacity: keepsExtremes ? tier.capacity : 1)
    }

    /// How many points it holds at most.
    var capacity: Int { Int(averages.capacity) }

    /// The seconds its closed steps cover.
    var coveredSeconds: Double { Double(averages.count) * step }

    /// Adds a sample taken at `timestamp`. A sample of the step before the open one (the clock
    /// stepped back a little) is counted in the open step. One further back (the clock was far
    /// ahead and was corrected) drops the open step and starts again from the sample's: the
    /// streams then start anew at its close, rather than every later sample being counted in a
    /// step of the future until the clock gets there.
    mutating func add(_ value: Double, at timestamp: Double) {
        let number = UInt64(max(0, (timestamp / step).rounded(.down)))
        guard var current = open, number <= current.number, number + 1 >= current.number else {
            if let current = open, number < current.number { open = nil } else { close() }
            open = OpenStep(number: number, minimum: value, maximum: value, sum: value, count: 1, last: value)
            return
        }
        current.minimum = Swift.min(current.minimum, value)
        current.maximum = Swift.max(current.maximum, value)
        current.sum += value
        current.count += 1
        current.last = value
        open = current
    }

    /// Writes the open step's figures to the compressed streams.
    private mutating func close() {
        guard let current = open else { return }
        if keepsExtremes {
            averages.append(cycle: current.number, value: current.sum / current.count)
            minimums.append(cycle: current.number, value: current.minimum)
            maximums.append(cycle: current.number, value: current.maximum)
        } else {
            averages.append(cycle: current.number, value: current.last)
        }
        open = nil
    }

    /// The closed steps that lie wholly within `start ..< end`, as `consolidation` asks, stamped
    /// at each step's middle, oldest first.
    func points(from start: Double, before end: Double, _ consolidation: Consolidation) -> [SeriesPoint] {
        let figures: CompressedSeries
        switch consolidation {
        case .min where keepsExtremes: figures = minimums
        case .max where keepsExtremes: figures = maximums
        default: figures = averages
        }
        return figures.decoded().compactMap { number, value in
            let stepStart = Double(number) * step
            guard stepStart >= start, stepStart + step <= end else { return nil }
            return SeriesPoint(timestamp: stepStart + step / 2, value: value)
        }
    }

    /// The same steps, the newest `capacity` of them (the tier's reach changed since they were saved).
    func resized(toCapacity capacity: Int) -> ConsolidatedSeries {
        guard capacity != self.capacity else { return self }
        var resized = self
        resized.averages = averages.resized(to: capacity)
        if keepsExtremes {
            resized.minimums = minimums.resized(to: capacity)
            resized.maximums = maximums.resized(to: capacity)
        }
        return resized
    }
}

extension ConsolidatedSeries {
    /// Writes the series as it is in memory, for a saved history.
    func write(to writer: inout SnapshotWriter) {
        writer.write(step)
        writer.write(keepsExtremes)
        writer.write(open != nil)
        if let open {
            writer.write(open.number)
            for figure in [open.minimum, open.maximum, open.sum, open.count, open.last] { writer.write(figure) }
        }
        averages.write(to: &writer)
        if keepsExtremes {
            minimums.write(to: &writer)
            maximums.write(to: &writer)
        }
    }

    /// Reads a series `write` wrote.
    init(from reader: inout SnapshotReader) throws(ArchiveSnapshotError) {
        step = try reader.readDouble()
        guard step.isFinite, step > 0 else { throw ArchiveSnapshotError(message: "a tier's step is \(step) seconds") }
        keepsExtremes = try reader.readBool()
        if try reader.readBool() {
            let number = try reader.readUInt64()
            open = OpenStep(
                number: number, minimum: try reader.readDouble(), maximum: try reader.readDouble(), sum: try reader.readDouble(),
                count: try reader.readDouble(), last: try reader.readDouble())
        }
        averages = try CompressedSeries(from: &reader)
        minimums = keepsExtremes ? try CompressedSeries(from: &reader) : CompressedSeries(capacity: 1)
        maximums = keepsExtremes ? try CompressedSeries(from: &reader) : CompressedSeries(capacity: 1)
        let streams = keepsExtremes ? [averages, minimums, maximums] : [averages]
        guard streams.allSatisfy({ $0.capacity == averages.capacity && $0.lastCycle == averages.lastCycle }) else {
            throw ArchiveSnapshotError(message: "a tier's minimums, averages and maximums do not match")
        }
        if let open {
            guard open.count >= 1, open.count.isFinite else { throw ArchiveSnapshotError(message: "a tier's open step has no samples") }
            if let last = averages.lastCycle, last >= open.number {
                throw ArchiveSnapshotError(message: "a tier's open step is not after its closed ones")
            }
        }
    }
}
