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
///
/// Every series holds one per tier, so it keeps no more than it must (96 bytes): the tier's step
/// is the caller's (`SeriesArchive.tiers`), the open step's number 32 bits (steps are at least a
/// second, so epoch seconds fit until 2106), and a counter's open step only its last value.
struct ConsolidatedSeries: Sendable {
    /// What the step being filled has gathered so far.
    enum Running: Sendable, Equatable {
        /// A gauge's smallest and largest sample, and the sum and count for its average.
        case gauge(minimum: Double, maximum: Double, sum: Double, count: UInt32)
        /// A counter's latest sample.
        case counter(last: Double)
    }

    /// The step being filled: its number and what it has gathered.
    struct OpenStep: Sendable, Equatable {
        var number: UInt32
        var running: Running
    }

    /// The closed steps' figures, as the type's comment lays them out.
    private var figures: CompressedSeries
    private(set) var open: OpenStep?
    /// Whether the minimum and maximum are kept (gauges), or only the last value (counters).
    let keepsExtremes: Bool

    /// An empty series in `tier`; `keepsExtremes` for a gauge.
    init(tier: HistoryTier, keepsExtremes: Bool) {
        self.keepsExtremes = keepsExtremes
        figures = CompressedSeries(capacity: tier.capacity * (keepsExtremes ? 3 : 1))
    }

    /// How many figures a step has: minimum, average and maximum, or a counter's last value.
    private var figuresPerStep: UInt64 { keepsExtremes ? 3 : 1 }

    /// How many points it holds at most.
    var capacity: Int { Int(figures.capacity) / Int(figuresPerStep) }

    /// How many closed steps it holds.
    var closedSteps: Int { Int(figures.count) / Int(figuresPerStep) }

    /// Adds a sample taken at `timestamp` to the tier of `step` seconds. A sample of the step
    /// before the open one (the clock stepped back a little) is counted in the open step. One
    /// further back (the clock was far ahead and was corrected) drops the open step and starts
    /// again from the sample's: the streams then start anew at its close, rather than every
    /// later sample being counted in a step of the future until the clock gets there.
    mutating func add(_ value: Double, at timestamp: Double, step: Double) {
        let steps = (timestamp / step).rounded(.down)
        let number = steps >= Double(UInt32.max) ? UInt32.max : steps >= 0 ? UInt32(steps) : 0
        guard var current = open, number <= current.number, UInt64(number) + 1 >= UInt64(current.number) else {
            if let current = open, number < current.number { open = nil } else { close() }
            open = OpenStep(
                number: number, running: keepsExtremes ? .gauge(minimum: value, maximum: value, sum: value, count: 1) : .counter(last: value))
            return
        }
        switch current.running {
        case .gauge(let minimum, let maximum, let sum, let count):
            current.running = .gauge(minimum: Swift.min(minimum, value), maximum: Swift.max(maximum, value), sum: sum + value, count: count &+ 1)
        case .counter:
            current.running = .counter(last: value)
        }
        open = current
    }

    /// Writes the open step's figures to the compressed stream.
    private mutating func close() {
        guard let current = open else { return }
        switch current.running {
        case .gauge(let minimum, let maximum, let sum, let count):
            Self.appendStep(UInt64(current.number), minimum: minimum, average: sum / Double(count), maximum: maximum, to: &figures)
        case .counter(let last):
            figures.append(cycle: UInt64(current.number), value: last)
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

    /// The closed steps of `step` seconds that lie wholly within `start ..< end`, as
    /// `consolidation` asks, stamped at each step's middle, oldest first.
    func points(from start: Double, before end: Double, step: Double, _ consolidation: Consolidation) -> [SeriesPoint] {
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
    /// Writes the series, a tier of `step` seconds, as it is in memory, for a saved history: the
    /// step, the kind, the open step (its number and a gauge's minimum, maximum, sum and count
    /// or a counter's last value) and the figures.
    func write(to writer: inout SnapshotWriter, step: Double) {
        writer.write(step)
        writer.write(keepsExtremes)
        writer.write(open != nil)
        if let open {
            writer.write(open.number)
            switch open.running {
            case .gauge(let minimum, let maximum, let sum, let count):
                for figure in [minimum, maximum, sum] { writer.write(figure) }
                writer.write(count)
            case .counter(let last):
                writer.write(last)
            }
        }
        figures.write(to: &writer)
    }

    /// Reads a series `write` wrote, with its tier's step; or one of a version 3 file (an open
    /// step of five figures and a 64-bit number) or of version 2 (a stream per figure too).
    static func read(from reader: inout SnapshotReader, version: UInt32) throws(ArchiveSnapshotError) -> (step: Double, series: ConsolidatedSeries) {
        let step = try reader.readDouble()
        guard step.isFinite, step > 0 else { throw ArchiveSnapshotError(message: "a tier's step is \(step) seconds") }
        let keepsExtremes = try reader.readBool()
        let open = try reader.readBool() ? try readOpenStep(from: &reader, version: version, keepsExtremes: keepsExtremes) : nil
        let figures = version >= 3 ? try CompressedSeries(from: &reader) : try joinedFigures(from: &reader, keepsExtremes: keepsExtremes)
        let series = ConsolidatedSeries(figures: figures, open: open, keepsExtremes: keepsExtremes)
        guard figures.capacity % Int32(series.figuresPerStep) == 0 else {
            throw ArchiveSnapshotError(message: "a tier holds \(figures.capacity) figures, not \(series.figuresPerStep) a step")
        }
        if let open, let last = figures.lastCycle, last / series.figuresPerStep >= UInt64(open.number) {
            throw ArchiveSnapshotError(message: "a tier's open step is not after its closed ones")
        }
        return (step, series)
    }

    /// A restored series.
    private init(figures: CompressedSeries, open: OpenStep?, keepsExtremes: Bool) {
        self.figures = figures
        self.open = open
        self.keepsExtremes = keepsExtremes
    }

    /// Reads an open step as `write` wrote it, or as version 3 did (number as 64 bits, then
    /// minimum, maximum, sum, count and last value, whatever the kind).
    private static func readOpenStep(from reader: inout SnapshotReader, version: UInt32, keepsExtremes: Bool) throws(ArchiveSnapshotError) -> OpenStep
    {
        let wideNumber = version >= 4 ? UInt64(try reader.readUInt32()) : try reader.readUInt64()
        guard let number = UInt32(exactly: wideNumber) else {
            throw ArchiveSnapshotError(message: "a tier's open step \(wideNumber) is out of range")
        }
        if version >= 4 {
            guard keepsExtremes else { return OpenStep(number: number, running: .counter(last: try reader.readDouble())) }
            let (minimum, maximum, sum) = (try reader.readDouble(), try reader.readDouble(), try reader.readDouble())
            let count = try reader.readUInt32()
            guard count >= 1 else { throw ArchiveSnapshotError(message: "a tier's open step has no samples") }
            return OpenStep(number: number, running: .gauge(minimum: minimum, maximum: maximum, sum: sum, count: count))
        }
        let (minimum, maximum, sum, count, last) = (
            try reader.readDouble(), try reader.readDouble(), try reader.readDouble(), try reader.readDouble(), try reader.readDouble()
        )
        guard count >= 1, let samples = UInt32(exactly: count) else { throw ArchiveSnapshotError(message: "a tier's open step has \(count) samples") }
        let running: Running = keepsExtremes ? .gauge(minimum: minimum, maximum: maximum, sum: sum, count: samples) : .counter(last: last)
        return OpenStep(number: number, running: running)
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
