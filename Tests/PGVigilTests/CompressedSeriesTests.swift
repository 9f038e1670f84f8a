// The compressed history alone: bit streams, cycle timelines, and series that read back every
// value bit for bit (NaN, infinities and -0 included) at about a bit per unchanged point.

import TestSupport
import Testing

@testable import Store

@Suite struct CompressedSeriesTests {
    @Test func bitStreamsReadBackWhatWasWritten() {
        var generator = SplitMix64(seed: 7)
        var stream = BitStream()
        var written: [(UInt64, Int)] = []
        for _ in 0..<5000 {
            let width = Int.random(in: 0...64, using: &generator)
            let value = UInt64.random(in: .min ... .max, using: &generator)
            stream.append(value, width: width)
            written.append((width == 64 ? value : value & ((1 << UInt64(width)) - 1), width))
        }
        #expect(stream.count == written.reduce(0) { $0 + $1.1 })
        var reader = BitReader(stream)
        for (value, width) in written {
            #expect(reader.read(width: width) == value)
        }
        #expect(reader.isAtEnd)
        #expect(reader.read(width: 1) == nil)

        // Cutting off the front leaves the rest in order, whatever the cut's alignment.
        var offset = 0
        var kept = written[...]
        for cut in [3, 0, 61, 64, 130, 1] {
            let bits = kept.prefix(cut).reduce(0) { $0 + $1.1 }
            stream.removeFirstBits(bits)
            offset += bits
            kept = kept.dropFirst(cut)
            #expect(stream.count == kept.reduce(0) { $0 + $1.1 })
            var rest = BitReader(stream)
            #expect(kept.allSatisfy { rest.read(width: $0.1) == $0.0 })
        }
        #expect(offset > 0)
    }

    @Test func aTimelineKeepsTheNewestCyclesAndGrowsWithoutLosingThem() {
        var timeline = CycleTimeline(capacity: 3)
        let cycles = (0..<5).map { timeline.cycle(at: 100 + Double($0)) }
        #expect(cycles == [0, 1, 2, 3, 4])
        #expect(timeline.cycle(at: 104) == 4)  // the same instant is the same cycle
        #expect((0..<6).map { timeline.timestamp(of: $0) } == [nil, nil, 102, 103, 104, nil])
        timeline.grow(to: 5)
        #expect((0..<6).map { timeline.timestamp(of: $0) } == [nil, nil, 102, 103, 104, nil])
        _ = timeline.cycle(at: 105)
        _ = timeline.cycle(at: 106)
        #expect((0..<8).map { timeline.timestamp(of: $0) } == [nil, nil, 102, 103, 104, 105, 106, nil])
        timeline.grow(to: 2)
        #expect(timeline.capacity == 5)
    }

    /// Values of every shape a series takes, appended one per cycle; the newest `capacity` read back.
    @Test(arguments: [1, 7, 100, 240, 3600])
    func everyValueReadsBackBitForBit(capacity: Int) {
        var generator = SplitMix64(seed: UInt64(capacity))
        var timeline = CycleTimeline(capacity: capacity)
        var series = CompressedSeries(capacity: capacity)
        var expected: [SeriesPoint] = []
        var counter = 0.0
        for step in 0..<(capacity * 3 + 17) {
            let timestamp = 1_000_000 + 15 * Double(step) + Double.random(in: 0..<0.01, using: &generator)
            let value: Double
            switch step % 7 {
            case 0: value = 42
            case 1: value = Double.random(in: -1e6...1e6, using: &generator)
            case 2:
                counter += Double(Int.random(in: 0...500, using: &generator))
                value = counter
            case 3: value = [Double.nan, .infinity, -.infinity, -0.0, 0, .leastNonzeroMagnitude, .greatestFiniteMagnitude][step / 7 % 7]
            default: value = Double(step / 50)
            }
            series.append(cycle: timeline.cycle(at: timestamp), value: value)
            expected.append(SeriesPoint(timestamp: timestamp, value: value))
        }
        let read = series.points(on: timeline)
        let newest = expected.suffix(capacity)
        #expect(read.count == newest.count)
        #expect(zip(read, newest).allSatisfy { $0.timestamp == $1.timestamp && $0.value.bitPattern == $1.value.bitPattern })
        // A window reads the suffix from its start on.
        let start = newest[newest.index(newest.endIndex, offsetBy: -min(5, newest.count))].timestamp
        #expect(series.points(on: timeline, since: start).map(\.timestamp) == newest.suffix(5).map(\.timestamp))
    }

    @Test func cyclesASeriesMissedAreSkippedNotInvented() {
        var timeline = CycleTimeline(capacity: 100)
        var series = CompressedSeries(capacity: 100)
        var expected: [Double] = []
        for step in 0..<60 {
            let cycle = timeline.cycle(at: Double(step))
            // Absent from the cycles 10…19 and from every seventh.
            guard !(10..<20).contains(step), step % 7 != 0 else { continue }
            series.append(cycle: cycle, value: Double(step * step))
            expected.append(Double(step))
        }
        let read = series.points(on: timeline)
        #expect(read.map(\.timestamp) == expected)
        #expect(read.map(\.value) == expected.map { $0 * $0 })
    }

    @Test func anUnchangingValueCostsAboutTwoBitsAPoint() {
        var timeline = CycleTimeline(capacity: 240)
        var series = CompressedSeries(capacity: 240)
        for step in 0..<10_000 {
            series.append(cycle: timeline.cycle(at: Double(step) * 15), value: 8192)
        }
        // Held: at least 240 and fewer than 240 + 15 points, two bits each.
        #expect(series.count >= 240 && series.count < 255)
        #expect(series.storedBits == Int(series.count) * 2)
        #expect(series.points(on: timeline).count == 240)
    }

    @Test func aSteadyCounterCostsAFewBytesAPoint() {
        var timeline = CycleTimeline(capacity: 240)
        var series = CompressedSeries(capacity: 240)
        var value = 1_000_000.0
        for step in 0..<2_000 {
            value += Double(100 + step % 13)
            series.append(cycle: timeline.cycle(at: Double(step) * 15), value: value)
        }
        #expect(series.storedBits <= Int(series.count) * 32)
    }
}
