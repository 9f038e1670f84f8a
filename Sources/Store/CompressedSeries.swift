// One series' recent values, compressed as Gorilla does (XOR of each value with the one before).

/// The newest `capacity` points of one series, about two bits per point for a value that did not
/// change. Points are stored as (cycle, value) — the timestamp is the cycle's, from the source's
/// `CycleTimeline` — in one bit stream, each point as:
///
/// - `0` if its cycle follows the previous point's, else `1` and the 32-bit cycle distance;
/// - its value as Gorilla encodes it (Pelkonen et al., VLDB 2015): `0` if it equals the previous
///   value, else `1` and the XOR with the previous value, as `0` and its significant bits when
///   they fit in the previous XOR's window, or `1`, 5 bits of leading zeros, 6 bits of length and
///   the significant bits.
///
/// Once the stream holds `capacity + dropLength` points, the oldest `dropLength` are cut off and
/// the decoder's state at the cut (cycle, value, XOR window) is kept as the stream's `base`, so a
/// series holds between `capacity` and `capacity + dropLength` points, and reads return the
/// newest `capacity`.
///
/// Every series and each of its history tiers has one, so its fixed fields are packed into 56
/// bytes: the two decoder states' cycles and values first, their XOR windows (2 bytes each) last.
struct CompressedSeries: Sendable {
    /// A Gorilla XOR window: the leading and trailing zero bits of the last XOR written in full.
    private struct XORWindow: Sendable, Equatable {
        var leading: UInt8
        var trailing: UInt8

        /// No window yet (no value has changed): `leading` is never 255 otherwise (at most 31).
        static let none = XORWindow(leading: .max, trailing: 0)

        var isSet: Bool { leading != .max }
    }

    /// What decoding needs to go on from a point: its cycle, its value's bits and the XOR window.
    private struct DecoderState: Sendable, Equatable {
        var cycle: UInt64
        var value: UInt64
        var window = XORWindow.none
    }

    // The state before the stream's first point (a point that is no longer held), and the state
    // after the last point (for the next append), as `base` and `end` read and write them.
    private var baseCycle: UInt64 = 0
    private var baseValue: UInt64 = 0
    private var endCycle: UInt64 = 0
    private var endValue: UInt64 = 0
    private var stream = BitStream()
    /// How many points the stream holds.
    private(set) var count: Int32 = 0
    /// How many points reads return at most.
    let capacity: Int32
    private var baseWindow = XORWindow.none
    private var endWindow = XORWindow.none

    /// An empty series keeping `capacity` points (at least one).
    init(capacity: Int) {
        // At most 2^24 points (config allows 200,000), so that the Int32 sums below cannot overflow.
        self.capacity = Int32(min(max(1, capacity), 1 << 24))
    }

    /// How many points are cut off at a time: a sixteenth of the capacity, 8…256 points, so at
    /// most 6 % more points are held than asked for, and a cut (a decode of those points and a
    /// shift of the words) comes only that often.
    var dropLength: Int32 { min(256, max(8, capacity / 16)) }

    /// The state before the stream's first point.
    private var base: DecoderState {
        get { DecoderState(cycle: baseCycle, value: baseValue, window: baseWindow) }
        set { (baseCycle, baseValue, baseWindow) = (newValue.cycle, newValue.value, newValue.window) }
    }

    /// The state after the last point.
    private var end: DecoderState {
        get { DecoderState(cycle: endCycle, value: endValue, window: endWindow) }
        set { (endCycle, endValue, endWindow) = (newValue.cycle, newValue.value, newValue.window) }
    }

    /// The bits the stream uses (what the points cost, besides the series' fixed fields).
    var storedBits: Int { stream.count }

    /// The cycle of the newest point, nil when empty.
    var lastCycle: UInt64? { count > 0 ? endCycle : nil }

    /// The value of the newest point, nil when empty.
    var lastValue: Double? { count > 0 ? Double(bitPattern: endValue) : nil }

    /// The same points in a series keeping `capacity` (the config's history or interval changed
    /// since they were saved): the newest `capacity` of them.
    func resized(to capacity: Int) -> CompressedSeries {
        var resized = CompressedSeries(capacity: capacity)
        for (cycle, value) in decoded().suffix(capacity) { resized.append(cycle: cycle, value: value) }
        return resized
    }

    /// Appends `value` at `cycle`. Cycles only increase; an older one, or one more than 2^32
    /// cycles on (neither of which a source makes), starts the series anew rather than store
    /// points out of order.
    mutating func append(cycle: UInt64, value: Double) {
        if count == 0 || cycle < endCycle || cycle - endCycle > UInt64(UInt32.max) {
            // The first point follows an imaginary one at the cycle before, valued 0.
            self = CompressedSeries(capacity: Int(capacity))
            base = DecoderState(cycle: cycle &- 1, value: 0)
            end = base
        }
        let distance = cycle &- endCycle
        if distance == 1 {
            stream.append(bit: false)
        } else {
            stream.append(bit: true)
            stream.append(distance, width: 32)
        }
        Self.appendXOR(value.bitPattern ^ endValue, window: &endWindow, to: &stream)
        endCycle = cycle
        endValue = value.bitPattern
        count += 1
        if count >= capacity + dropLength { dropOldest() }
    }

    /// Appends `xor` (a value's bits XOR the previous value's) as Gorilla does, reusing `window`
    /// or replacing it.
    private static func appendXOR(_ xor: UInt64, window: inout XORWindow, to stream: inout BitStream) {
        guard xor != 0 else {
            stream.append(bit: false)
            return
        }
        stream.append(bit: true)
        let leading = min(xor.leadingZeroBitCount, 31)
        let trailing = xor.trailingZeroBitCount
        if window.isSet, leading >= Int(window.leading), trailing >= Int(window.trailing) {
            stream.append(bit: false)
            stream.append(xor >> UInt64(window.trailing), width: 64 - Int(window.leading) - Int(window.trailing))
        } else {
            let length = 64 - leading - trailing
            stream.append(bit: true)
            stream.append(UInt64(leading), width: 5)
            stream.append(UInt64(length & 63), width: 6)  // 64 is written as 0
            stream.append(xor >> UInt64(trailing), width: length)
            window = XORWindow(leading: UInt8(leading), trailing: UInt8(trailing))
        }
    }

    /// Cuts off the oldest `dropLength` points, keeping the decoder's state after them as the base.
    private mutating func dropOldest() {
        var reader = BitReader(stream)
        var state = base
        for _ in 0..<dropLength {
            guard Self.decodePoint(from: &reader, state: &state) else {
                // Never for a stream `append` wrote; were it to happen, start over rather than grow.
                self = CompressedSeries(capacity: Int(capacity))
                return
            }
        }
        stream.removeFirstBits(reader.position)
        base = state
        count -= dropLength
    }

    /// The newest `capacity` points, oldest first, with their cycles' timestamps from
    /// `timeline`: those from the newest back to the first older than `start` or whose cycle the
    /// timeline no longer holds.
    func points(on timeline: CycleTimeline, since start: Double = -.infinity) -> [SeriesPoint] {
        var result: [SeriesPoint] = []
        for (cycle, value) in decoded().reversed() {
            guard let timestamp = timeline.timestamp(of: cycle), timestamp >= start else { break }
            result.append(SeriesPoint(timestamp: timestamp, value: value))
        }
        return result.reversed()
    }

    /// The points of cycles after `cycle` (all, when nil) up to `last` among the newest
    /// `capacity`, oldest first, with their cycles' timestamps from `timeline` (back to the first
    /// whose cycle it no longer holds).
    func points(on timeline: CycleTimeline, after cycle: UInt64?, through last: UInt64) -> [SeriesPoint] {
        var result: [SeriesPoint] = []
        for (pointCycle, value) in decoded().reversed() where pointCycle <= last {
            if let cycle, pointCycle <= cycle { break }
            guard let timestamp = timeline.timestamp(of: pointCycle) else { break }
            result.append(SeriesPoint(timestamp: timestamp, value: value))
        }
        return result.reversed()
    }

    /// The newest `capacity` points as (cycle, value), oldest first.
    func decoded() -> ArraySlice<(cycle: UInt64, value: Double)> {
        var reader = BitReader(stream)
        var state = base
        var decoded: [(cycle: UInt64, value: Double)] = []
        decoded.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard Self.decodePoint(from: &reader, state: &state) else { break }
            decoded.append((state.cycle, Double(bitPattern: state.value)))
        }
        return decoded.dropFirst(max(0, Int(count - capacity)))
    }

    /// Reads the point after `state` into `state`; false if the stream ended (it never does
    /// within `count` points of a stream `append` wrote).
    private static func decodePoint(from reader: inout BitReader, state: inout DecoderState) -> Bool {
        guard let jumped = reader.readBit() else { return false }
        if jumped {
            guard let distance = reader.read(width: 32) else { return false }
            state.cycle &+= distance
        } else {
            state.cycle &+= 1
        }
        guard let changed = reader.readBit() else { return false }
        guard changed else { return true }
        guard let newWindow = reader.readBit() else { return false }
        if newWindow || !state.window.isSet {
            guard let leading = reader.read(width: 5), let length = reader.read(width: 6) else { return false }
            let width = length == 0 ? 64 : Int(length)
            guard Int(leading) + width <= 64 else { return false }
            state.window = XORWindow(leading: UInt8(leading), trailing: UInt8(64 - Int(leading) - width))
        }
        let window = state.window
        guard let significant = reader.read(width: 64 - Int(window.leading) - Int(window.trailing)) else { return false }
        state.value ^= significant << UInt64(window.trailing)
        return true
    }
}

extension CompressedSeries {
    /// Writes the series as it is in memory (its stream and decoder states), for a saved history.
    func write(to writer: inout SnapshotWriter) {
        writer.write(count: Int(capacity))
        writer.write(count: Int(count))
        for state in [base, end] {
            writer.write(state.cycle)
            writer.write(state.value)
            writer.write(state.window.isSet ? state.window.leading : 0)
            writer.write(state.window.trailing)
            writer.write(state.window.isSet)
        }
        writer.write(UInt64(stream.count))
        for word in stream.words { writer.write(word) }
    }

    /// Reads a series `write` wrote; throws when its parts do not fit together (its points are
    /// then checked by decoding them all).
    init(from reader: inout SnapshotReader) throws(ArchiveSnapshotError) {
        let capacity = try reader.readCount(limit: 1 << 24, of: "series capacity")
        self.init(capacity: capacity)
        // A series holds fewer than capacity + dropLength points (it cuts when it reaches that).
        count = Int32(try reader.readCount(limit: Int(self.capacity + dropLength) - 1, of: "series point count"))
        var states: [DecoderState] = []
        for _ in 0..<2 {
            var state = DecoderState(cycle: try reader.readUInt64(), value: try reader.readUInt64())
            let (leading, trailing) = (try reader.readUInt8(), try reader.readUInt8())
            if try reader.readBool() {
                guard leading < 32, Int(leading) + Int(trailing) <= 64 else {
                    throw ArchiveSnapshotError(message: "a series' XOR window is out of range")
                }
                state.window = XORWindow(leading: leading, trailing: trailing)
            }
            states.append(state)
        }
        base = states[0]
        end = states[1]
        let bits = try reader.readUInt64()
        guard bits <= UInt64(count) * 110 else { throw ArchiveSnapshotError(message: "a series holds more bits than its points can") }
        var words: [UInt64] = []
        for _ in 0..<((Int(bits) + 63) >> 6) { words.append(try reader.readUInt64()) }
        guard let stream = BitStream(words: words, count: Int(bits)) else {
            throw ArchiveSnapshotError(message: "a series' bits do not fit its words")
        }
        self.stream = stream
        var check = BitReader(stream)
        var state = base
        for _ in 0..<count {
            guard Self.decodePoint(from: &check, state: &state) else { throw ArchiveSnapshotError(message: "a series' points do not decode") }
        }
        guard check.isAtEnd, count == 0 ? base == end : state == end else {
            throw ArchiveSnapshotError(message: "a series' points do not end where its last point is")
        }
    }
}
