// Pieces of a body compressed once and joined into one gzip stream: the fixed parts of /metrics.
import CZlib
import NIOCore

/// A piece of a body, raw-deflated on its own and ended with a sync flush (byte-aligned, no final
/// block), with its CRC-32 and length. Pieces deflated independently never refer across their
/// boundaries, so their deflate data can be concatenated; `gzip(_:)` wraps them in one gzip
/// member. /metrics compresses the rendered head and tail once per render this way, and only the
/// small age family per scrape.
struct DeflatedSegment: Sendable {
    /// The raw deflate data, ending byte-aligned.
    var deflated: ByteBuffer
    /// The CRC-32 of the uncompressed bytes.
    package var crc: UInt32
    /// The number of uncompressed bytes.
    package var length: Int

    /// Deflates `bytes`.
    package init(_ bytes: ByteBuffer, memory: Deflater.Memory = .large) throws {
        try self.init(joining: [bytes], memory: memory)
    }

    /// Deflates the concatenation of `pieces` (slices of a rendered body), without joining them first.
    init(joining pieces: [ByteBuffer], memory: Deflater.Memory = .large) throws {
        let deflater = try Deflater(memory)
        var output = ByteBuffer()
        var crc: uLong = 0
        for piece in pieces {
            // CRC-32 goes on from the previous piece's.
            crc = piece.withUnsafeReadableBytes { crc32_z(crc, $0.baseAddress?.assumingMemoryBound(to: Bytef.self), .init($0.count)) }
            try deflater.deflate(piece, flush: Z_NO_FLUSH, into: &output)
        }
        try deflater.deflate(ByteBuffer(), flush: Z_SYNC_FLUSH, into: &output)
        deflated = output.exactCopy
        self.crc = UInt32(truncatingIfNeeded: crc)
        length = pieces.reduce(0) { $0 + $1.readableBytes }
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
            // zlib's combination of two CRCs from the second's length; the CRC of nothing is 0.
            crc = UInt32(truncatingIfNeeded: crc32_combine(uLong(crc), uLong(segment.crc), .init(segment.length)))
            length += segment.length
        }
        // An empty final block with fixed codes (BFINAL 1, BTYPE 01, end-of-block), then the trailer.
        output.writeBytes([0x03, 0x00])
        output.writeInteger(crc, endianness: .little)
        output.writeInteger(UInt32(truncatingIfNeeded: length), endianness: .little)
        return output
    }
}
