// One series' points in one history tier: a step's samples summarised, compressed as the raw ring is.

/// The consolidated points of one series in one `HistoryTier`: for each step (numbered from the
/// Unix epoch, `timestamp / step` rounded down) that had samples, their minimum, average and
/// maximum, or for a counter only its last value (a counter's average means nothing, and its
/// last value is its minimum and maximum within a step unless it was reset). The figures are
/// points of one `CompressedSeries` whose cycles count steps: a gauge's step `n` is three points,
/// its minimum at cycle `3n`, average at `3n + 1` and maximum at `3n + 2` (in order of size, so
/// each XOR with the point before is small); a counter's is its last value at cycle `n`. A step
/// without samples costs nothing, a steady value about two bits a figure, and a tier one
/// stream's fixed fields and words (three streams' made a gauge's empty tiers cost more than the
/// rest of its series).
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
    /// The closed steps' figures, as the type's comment lays them out.
    private var figures: CompressedSeries

    /// An empty series in `tier`; `keepsExtremes` for a gauge.
    init(tier: HistoryTier, keepsExtremes: Bool) {
        step = tier.step
        self.keepsExtremes = keepsExtremes
        figures = CompressedSeries(capacity: tier.capacity * (keepsExtremes ? 3 : 1))
    }

    /// How many figures a step has: minimum, average and maximum, or a counter's last value.
    private var figuresPerStep: UInt64 { keepsExtremes ? 3 : 1 }

    /// How many points it holds at most.
    var capacity: Int { Int(figures.capacity) / Int(figuresPerStep) }

    /// The seconds its closed steps cover.
    var coveredSeconds: Double { Double(Int(figures.count) / Int(figuresPerStep)) * step }

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
            Self.appendStep(current.number, minimum: current.minimum, average: current.sum / current.count, maximum: current.maximum, to: &figures)
        } else {
            figures.append(cycle: current.number, value: current.last)
        }
        open = nil
    }

    /// Appends a gauge's step `number` to `figures` as the type's comment lays it out.
    private static func appendStep(_ number: UInt64, minimum: Double, average: Double, maximum: Double, to figures: inout CompressedSeries) {
        let first = number &* 3
        figures.append(cycle: first, value: minimum)
        figures.append(cycle: first + 1, value: average)
        figures.append(cycle: first + 2, value: maximum)
    }

    /// The closed steps that lie wholly within `start ..< end`, as `consolidation` asks, stamped
    /// at each step's middle, oldest first.
    func points(from start: Double, before end: Double, _ consolidation: Consolidation) -> [SeriesPoint] {
        let figure: UInt64
        switch consolidation {
        case .min where keepsExtremes: figure = 0
        case .max where keepsExtremes: figure = 2
        default: figure = keepsExtremes ? 1 : 0
        }
        return figures.decoded().compactMap { cycle, value in
            guard cycle % figuresPerStep == figure else { return nil }
            let stepStart = Double(cycle / figuresPerStep) * step
            guard stepStart >= start, stepStart + step <= end else { return nil }
            return SeriesPoint(timestamp: stepStart + step / 2, value: value)
        }
    }

    /// The same steps, the newest `capacity` of them (the tier's reach changed since they were saved).
    func resized(toCapacity capacity: Int) -> ConsolidatedSeries {
        guard capacity != self.capacity else { return self }
        var resized = self
        resized.figures = figures.resized(to: capacity * Int(figuresPerStep))
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
        figures.write(to: &writer)
    }

    /// Reads a series `write` wrote, or one of a version 2 file (a stream per figure).
    init(from reader: inout SnapshotReader, version: UInt32) throws(ArchiveSnapshotError) {
        step = try reader.readDouble()
        guard step.isFinite, step > 0 else { throw ArchiveSnapshotError(message: "a tier's step is \(step) seconds") }
        keepsExtremes = try reader.readBool()
        if try reader.readBool() {
            let number = try reader.readUInt64()
            open = OpenStep(
                number: number, minimum: try reader.readDouble(), maximum: try reader.readDouble(), sum: try reader.readDouble(),
                count: try reader.readDouble(), last: try reader.readDouble())
        }
        figures = version >= 3 ? try CompressedSeries(from: &reader) : try Self.joinedFigures(from: &reader, keepsExtremes: keepsExtremes)
        guard figures.capacity % Int32(figuresPerStep) == 0 else {
            throw ArchiveSnapshotError(message: "a tier holds \(figures.capacity) figures, not \(figuresPerStep) a step")
        }
        if let open {
            guard open.count >= 1, open.count.isFinite else { throw ArchiveSnapshotError(message: "a tier's open step has no samples") }
            if let last = figures.lastCycle, last / figuresPerStep >= open.number {
                throw ArchiveSnapshotError(message: "a tier's open step is not after its closed ones")
            }
        }
    }

    /// Reads a version 2 tier's streams (averages, then a gauge's minimums and maximums) into one.
    private static func joinedFigures(from reader: inout SnapshotReader, keepsExtremes: Bool) throws(ArchiveSnapshotError) -> CompressedSeries {
        let averages = try CompressedSeries(from: &reader)
        guard keepsExtremes else { return averages }
        let minimums = try CompressedSeries(from: &reader)
        let maximums = try CompressedSeries(from: &reader)
        guard [minimums, maximums].allSatisfy({ $0.capacity == averages.capacity && $0.lastCycle == averages.lastCycle }) else {
            throw ArchiveSnapshotError(message: "a tier's minimums, averages and maximums do not match")
        }
        var figures = CompressedSeries(capacity: Int(averages.capacity) * 3)
        for ((number, average), ((_, minimum), (_, maximum))) in zip(averages.decoded(), zip(minimums.decoded(), maximums.decoded())) {
            appendStep(number, minimum: minimum, average: average, maximum: maximum, to: &figures)
        }
        return figures
    }
}
