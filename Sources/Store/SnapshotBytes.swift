// The byte-level reading and writing of a saved history: little-endian integers, doubles, strings.

/// Why a saved history could not be read: where and what.
package struct ArchiveSnapshotError: Error, Sendable, Equatable, CustomStringConvertible {
    package var message: String
    package var description: String { message }
}

/// Appends values to a byte buffer, integers little-endian, strings as a length and UTF-8.
struct SnapshotWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func write(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func write(_ value: UInt8) { bytes.append(value) }

    mutating func write(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    /// A count or index (at most 2^32 − 1, which every count of an archive is).
    mutating func write(count: Int) { write(UInt32(truncatingIfNeeded: count)) }

    mutating func write(_ value: String) {
        write(count: value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func append(_ other: [UInt8]) { bytes.append(contentsOf: other) }
}

/// Reads what `SnapshotWriter` wrote; every read checks that the bytes are there.
struct SnapshotReader {
    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    private mutating func take(_ count: Int) throws(ArchiveSnapshotError) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - position >= count else {
            throw ArchiveSnapshotError(message: "truncated at byte \(position) (\(count) more expected)")
        }
        defer { position += count }
        return bytes[position..<position + count]
    }

    mutating func readUInt64() throws(ArchiveSnapshotError) -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func readUInt32() throws(ArchiveSnapshotError) -> UInt32 {
        try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func readUInt8() throws(ArchiveSnapshotError) -> UInt8 {
        try take(1).first ?? 0
    }

    mutating func readBool() throws(ArchiveSnapshotError) -> Bool { try readUInt8() != 0 }

    mutating func readDouble() throws(ArchiveSnapshotError) -> Double { Double(bitPattern: try readUInt64()) }

    /// A count written by `write(count:)`, refused above `limit` (a corrupt count must not allocate gigabytes).
    mutating func readCount(limit: Int, of what: String) throws(ArchiveSnapshotError) -> Int {
        let at = position
        let count = Int(try readUInt32())
        guard count <= limit else { throw ArchiveSnapshotError(message: "\(what) at byte \(at): \(count) is more than \(limit)") }
        return count
    }

    mutating func readString() throws(ArchiveSnapshotError) -> String {
        let length = try readCount(limit: bytes.count - position, of: "string length")
        return String(decoding: try take(length), as: UTF8.self)
    }
}

/// FNV-1a 64 of `bytes`: the saved history's checksum (a bit flipped on disk is caught before decoding).
func snapshotChecksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
}
