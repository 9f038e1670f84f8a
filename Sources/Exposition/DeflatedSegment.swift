// Pieces of a body compressed once and joined into one gzip stream: the fixed parts of /metrics.
import CZlib
import NIOCore

/// A piece of a body, raw-deflated on its own and ended with a sync flush (byte-aligned, no final
/// block), with its CRC-32 and length. Pieces deflated independently never refer across their
/// boundaries, so their deflate data can be concatenated; `gzip(_:)` wraps them in one gzip
/// member. /metrics compresses the rendered head and tail once per render this way; the small age
/// family, new at each scrape, goes in stored blocks (`storing:`), which cost a copy and no zlib.
struct DeflatedSegment: Sendable {
    /// The raw deflate data, ending byte-aligned.
    let deflated: ByteBuffer
    /// The CRC-32 of the uncompressed bytes.
    package let crc: UInt32
    /// The number of uncompressed bytes.
    package let length: Int
    /// zlib's operator that appends this segment's CRC to the CRC of what precedes it
    /// (`crc32_combine_op`), made once from `length` rather than at every join.
    private let crcAppender: uLong

    /// The largest stored block deflate allows.
    private static let storedBlockLimit = Int(UInt16.max)

    /// Deflates the concatenation of `pieces` (slices of a rendered body), without joining them first.
    init(joining pieces: [ByteBuffer]) throws {
        let deflater = try Deflater()
        var output = ByteBuffer()
        var crc: uLong = 0
        for piece in pieces {
            // CRC-32 goes on from the previous piece's.
            crc = piece.withUnsafeReadableBytes { crc32_z(crc, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), .init($0.count)) }
            try deflater.deflate(piece, flush: Z_NO_FLUSH, into: &output)
        }
        try deflater.deflate(ByteBuffer(), flush: Z_SYNC_FLUSH, into: &output)
        self.init(deflated: output.exactCopy, crc: crc, length: pieces.reduce(0) { $0 + $1.readableBytes })
    }

    /// `bytes` uncompressed, in deflate's stored blocks (each a 5-byte header, then up to 65,535
    /// bytes as they are). Nothing when `bytes` is empty.
    init(storing bytes: ByteBuffer) {
        var output = ByteBuffer()
        output.reserveCapacity(bytes.readableBytes + 5 * (bytes.readableBytes / Self.storedBlockLimit + 1))
        var rest = bytes
        while var block = rest.readSlice(length: min(rest.readableBytes, Self.storedBlockLimit)), block.readableBytes > 0 {
            // BFINAL 0 and BTYPE 00 padded to a byte, then LEN and its one's complement NLEN.
            output.writeInteger(UInt8(0))
            output.writeInteger(UInt16(block.readableBytes), endianness: .little)
            output.writeInteger(~UInt16(block.readableBytes), endianness: .little)
            output.writeBuffer(&block)
        }
        let crc = bytes.withUnsafeReadableBytes { crc32_z(0, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), .init($0.count)) }
        self.init(deflated: output, crc: crc, length: bytes.readableBytes)
    }

    private init(deflated: ByteBuffer, crc: uLong, length: Int) {
        self.deflated = deflated
        self.crc = UInt32(truncatingIfNeeded: crc)
        self.length = length
        crcAppender = crc32_combine_gen(.init(length))
    }

    /// One gzip member holding `segments` in order.
    package static func gzip(_ segments: [DeflatedSegment]) -> ByteBuffer {
        var output = ByteBuffer()
        output.reserveCapacity(segments.reduce(20) { $0 + $1.deflated.readableBytes })
        // Magic, deflate, no flags, no time, no extra flags, OS unknown.
        output.writeBytes([0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF])
        var crc: UInt32 = 0
        var length = 0
        for segment in segments {
            var deflated = segment.deflated
            output.writeBuffer(&deflated)
            // zlib's combination of two CRCs; the CRC of nothing is 0.
            crc = length == 0 ? segment.crc : UInt32(truncatingIfNeeded: crc32_combine_op(uLong(crc), uLong(segment.crc), segment.crcAppender))
            length += segment.length
        }
        // An empty final block with fixed codes (BFINAL 1, BTYPE 01, end-of-block), then the trailer.
        output.writeBytes([0x03, 0x00])
        output.writeInteger(crc, endianness: .little)
        output.writeInteger(UInt32(truncatingIfNeeded: length), endianness: .little)
        return output
    }
}
