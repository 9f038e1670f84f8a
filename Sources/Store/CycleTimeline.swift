// The instants of one source's sampling cycles, stored once for all the series the source writes.

/// When each recent cycle of one source (a collector on a target) ran. Every series the source
/// writes refers to a cycle by number instead of storing its own timestamps, so a timestamp costs
/// 8 bytes per cycle, not per sample. Holds the newest `capacity` cycles.
struct CycleTimeline: Sendable {
    /// The instants (seconds since 1970), cycle `n` at `n % capacity`.
    private var instants: [Double]
    /// The number the next cycle gets; cycles are numbered from 0.
    private(set) var nextCycle: UInt64 = 0
    /// The oldest cycle whose instant is held (a timeline that grew holds fewer than its capacity).
    private var oldestHeld: UInt64 = 0
    /// Whether the latest cycle may still get points (its collector's derived families are
    /// stored after its own); a reader of everything recorded leaves it for later.
    var latestIsOpen = false

    /// A timeline holding the newest `capacity` cycles (at least one).
    init(capacity: Int) {
        instants = Array(repeating: .nan, count: max(1, capacity))
    }

    /// How many cycles it holds at most.
    var capacity: Int { instants.count }

    /// The number of the cycle at `timestamp`: a new one, or the latest again if it ran at the
    /// same instant (a collector's families and those derived from them are stored apart).
    mutating func cycle(at timestamp: Double) -> UInt64 {
        if nextCycle > 0, instants[slot(nextCycle - 1)] == timestamp { return nextCycle - 1 }
        instants[slot(nextCycle)] = timestamp
        nextCycle += 1
        if nextCycle - oldestHeld > UInt64(capacity) { oldestHeld = nextCycle - UInt64(capacity) }
        return nextCycle - 1
    }

    /// The latest cycle, nil before the first.
    var latestCycle: UInt64? { nextCycle > 0 ? nextCycle - 1 : nil }

    /// The oldest cycle whose instant is held.
    var oldestCycle: UInt64 { oldestHeld }

    /// When `cycle` ran; nil if it is older than the timeline holds (or has not run).
    func timestamp(of cycle: UInt64) -> Double? {
        guard cycle >= oldestHeld, cycle < nextCycle else { return nil }
        return instants[slot(cycle)]
    }

    /// Makes room for `capacity` cycles, keeping those held (a timeline never shrinks).
    mutating func grow(to capacity: Int) {
        guard capacity > self.capacity else { return }
        var grown = [Double](repeating: .nan, count: capacity)
        for cycle in oldestHeld..<nextCycle {
            grown[Int(cycle % UInt64(capacity))] = instants[slot(cycle)]
        }
        instants = grown
    }

    private func slot(_ cycle: UInt64) -> Int {
        Int(cycle % UInt64(capacity))
    }
}

extension CycleTimeline {
    /// Writes the timeline as it is in memory, for a saved history.
    func write(to writer: inout SnapshotWriter) {
        writer.write(count: capacity)
        writer.write(nextCycle)
        writer.write(oldestHeld)
        writer.write(latestIsOpen)
        for instant in instants { writer.write(instant) }
    }

    /// Reads a timeline `write` wrote.
    init(from reader: inout SnapshotReader) throws(ArchiveSnapshotError) {
        let capacity = try reader.readCount(limit: 1 << 24, of: "timeline capacity")
        guard capacity >= 1 else { throw ArchiveSnapshotError(message: "a timeline has no room") }
        self.init(capacity: capacity)
        nextCycle = try reader.readUInt64()
        oldestHeld = try reader.readUInt64()
        // The derived families of a cycle open at the save never come: the cycle is complete.
        _ = try reader.readBool()
        latestIsOpen = false
        // 2^48 cycles is millennia at any interval; more is damage (and would overflow).
        guard nextCycle < 1 << 48, oldestHeld <= nextCycle, nextCycle - oldestHeld <= UInt64(capacity) else {
            throw ArchiveSnapshotError(message: "a timeline's cycles \(oldestHeld)..<\(nextCycle) do not fit its \(capacity) slots")
        }
        for index in 0..<capacity { instants[index] = try reader.readDouble() }
    }
}
