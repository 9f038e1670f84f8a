// CRC-32 (IEEE 802.3, as gzip uses it), and combining the CRCs of two pieces into the CRC of both.

/// The gzip CRC-32: polynomial 0xEDB88320 (reflected), initial and final XOR 0xFFFFFFFF.
package enum CRC32 {
    private static let polynomial: UInt32 = 0xEDB8_8320

    private static let table: [UInt32] = (0..<256).map { index in
        (0..<8).reduce(UInt32(index)) { crc, _ in crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
    }

    /// The CRC-32 of `bytes`.
    package static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// The CRC-32 of `first` followed by `second`, from `first`'s CRC, `second`'s CRC and
    /// `second`'s length: `first`'s CRC times x^(8·length) modulo the polynomial, plus `second`'s.
    package static func combine(_ first: UInt32, _ second: UInt32, secondLength: Int) -> UInt32 {
        multiply(xPower(eightTimes: secondLength), first) ^ second
    }

    /// a·b modulo the polynomial, in the reflected bit order CRC-32 uses (bit 31 is x^0).
    private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var product: UInt32 = 0
        var mask: UInt32 = 1 << 31
        var b = b
        while mask != 0 {
            if a & mask != 0 { product ^= b }
            mask >>= 1
            b = b & 1 == 1 ? (b >> 1) ^ polynomial : b >> 1
        }
        return product
    }

    /// x^(8·count) modulo the polynomial, by squaring: x^(2^k) for each set bit of 8·count.
    private static func xPower(eightTimes count: Int) -> UInt32 {
        var result: UInt32 = 1 << 31  // x^0
        var square: UInt32 = 1 << 30  // x^1
        var exponent = UInt64(count) * 8
        while exponent != 0 {
            if exponent & 1 == 1 { result = multiply(square, result) }
            square = multiply(square, square)
            exponent >>= 1
        }
        return result
    }
}
