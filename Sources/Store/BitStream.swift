// Bits appended to and read from 64-bit words, most significant bit first: the storage of compressed series.

/// A growable sequence of bits. `append` adds the low `count` bits of a value, most significant
/// first; `BitReader` reads them back in the same order. Storage grows by an eighth at a time, not
/// by doubling: a series holds many small streams, and the spare words would cost more than the
/// copies. The bit count is kept in 32 bits (12 bytes a stream, not 16): a series' stream holds
/// at most 2^24 + 256 points of at most 110 bits, under 2^31.
struct BitStream: Sendable {
    /// The bits, packed from each word's most significant bit.
    private(set) var words: [UInt64] = []
    /// How many bits are used.
    private var bitCount: UInt32 = 0

    /// How many bits are used.
    var count: Int { Int(bitCount) }

    /// An empty stream.
    init() {}

    /// The stream of `count` bits packed in `words` (a saved one); nil when they do not fit
    /// or bits past the end are set.
    init?(words: [UInt64], count: Int) {
        guard count >= 0, count <= Int(UInt32.max), words.count == (count + 63) >> 6 else { return nil }
        if count & 63 != 0, let last = words.last, last & ~(~0 << UInt64(64 - (count & 63))) != 0 { return nil }
        self.words = words
        bitCount = UInt32(count)
    }

    /// Appends the low `width` bits of `value` (0…64).
    mutating func append(_ value: UInt64, width: Int) {
        guard width > 0 else { return }
        let bits = width == 64 ? value : value & ((1 << UInt64(width)) - 1)
        let used = count & 63
        if used == 0 {
            addWord(bits << UInt64(64 - width))
        } else {
            let free = 64 - used
            if width <= free {
                words[words.count - 1] |= bits << UInt64(free - width)
            } else {
                words[words.count - 1] |= bits >> UInt64(width - free)
                addWord(bits << UInt64(64 - (width - free)))
            }
        }
        bitCount += UInt32(width)
    }

    /// Appends one bit.
    mutating func append(bit: Bool) {
        append(bit ? 1 : 0, width: 1)
    }

    private mutating func addWord(_ word: UInt64) {
        if words.count == words.capacity { words.reserveCapacity(words.count + max(2, words.count / 8)) }
        words.append(word)
    }

    /// Removes the first `bitCount` bits, shifting the rest to the front (the storage is kept).
    mutating func removeFirstBits(_ bitCount: Int) {
        let removed = min(max(0, bitCount), count)
        let wordShift = removed >> 6
        let bitShift = UInt64(removed & 63)
        let remaining = count - removed
        let wordsLeft = (remaining + 63) >> 6
        for index in 0..<wordsLeft {
            var word = words[index + wordShift] << bitShift
            if bitShift > 0, index + wordShift + 1 < words.count {
                word |= words[index + wordShift + 1] >> (64 - bitShift)
            }
            words[index] = word
        }
        words.removeLast(words.count - wordsLeft)
        self.bitCount = UInt32(remaining)
        // Bits past the end must be zero: `append` ORs into the last word.
        if remaining & 63 != 0 { words[wordsLeft - 1] &= ~0 << UInt64(64 - (remaining & 63)) }
    }
}

/// Reads a `BitStream` from its first bit on.
struct BitReader {
    private let stream: BitStream
    /// The next bit to read.
    private(set) var position = 0

    init(_ stream: BitStream) {
        self.stream = stream
    }

    /// Whether every bit was read.
    var isAtEnd: Bool { position >= stream.count }

    /// The next `width` bits (0…64) as the low bits of the result; nil past the end.
    mutating func read(width: Int) -> UInt64? {
        guard width > 0 else { return 0 }
        guard position + width <= stream.count else { return nil }
        let index = position >> 6
        let offset = position & 63
        var value = stream.words[index] << UInt64(offset)
        if offset + width > 64 {
            value |= stream.words[index + 1] >> UInt64(64 - offset)
        }
        position += width
        return width == 64 ? value : value >> UInt64(64 - width)
    }

    /// The next bit; nil past the end.
    mutating func readBit() -> Bool? {
        read(width: 1).map { $0 == 1 }
    }
}
