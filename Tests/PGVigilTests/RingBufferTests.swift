// Unit tests of the fixed-capacity ring buffer.

import Testing

@testable import PGVigil
@testable import Store

extension RingBuffer {
    /// All elements, oldest first.
    var elements: [Element] { suffix { _ in true } }
}

@Suite struct RingBufferTests {
    @Test func keepsInsertionOrderBelowCapacity() {
        var buffer = RingBuffer<Int>(capacity: 4)
        buffer.append(1)
        buffer.append(2)
        #expect(buffer.elements == [1, 2])
        #expect(buffer.count == 2)
    }

    @Test func overwritesOldestWhenFull() {
        var buffer = RingBuffer<Int>(capacity: 3)
        for value in 1...7 { buffer.append(value) }
        #expect(buffer.elements == [5, 6, 7])
        #expect(buffer.count == 3)
        #expect(buffer.capacity == 3)
    }

    @Test func suffixStopsAtFirstExcludedElementFromTheNewest() {
        var buffer = RingBuffer<Int>(capacity: 5)
        for value in [1, 5, 2, 6, 7, 8] { buffer.append(value) }
        #expect(buffer.suffix { $0 >= 6 } == [6, 7, 8])
        #expect(buffer.suffix { $0 > 100 } == [])
    }

    @Test func zeroCapacityStillHoldsTheLatest() {
        var buffer = RingBuffer<Int>(capacity: 0)
        buffer.append(1)
        buffer.append(2)
        #expect(buffer.elements == [2])
    }
}
