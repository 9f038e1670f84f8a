// Raw deflate through zlib, fed in pieces and flushed to a byte boundary.
import CZlib
import NIOCore

/// A zlib deflate stream that writes raw deflate data (no zlib or gzip wrapper), for
/// `DeflatedSegment`. zlib's state points back at its `z_stream` and refuses to work if it
/// moved, so the stream lives at one heap address from `deflateInit2_` to `deflateEnd`.
final class Deflater {
    /// zlib answered `status` to an init or deflate call (only out of memory, in practice).
    struct Failure: Error {
        let status: Int32
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// A new stream with zlib's defaults: a 32 KiB window, about 256 KiB of state.
    init() throws(Failure) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // Raw deflate is asked for with a negative window size.
        let status = deflateInit2_(
            stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            stream.deallocate()
            throw Failure(status: status)
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input` into `output` (which grows as needed). With `Z_SYNC_FLUSH`, everything
    /// given so far is in `output`, ending on a byte boundary.
    func deflate(_ input: ByteBuffer, flush: Int32, into output: inout ByteBuffer) throws(Failure) {
        let status = input.withUnsafeReadableBytes { bytes -> Int32 in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(bytes.count)
            // zlib needs more room while it leaves input unread or fills all the room it was given.
            repeat {
                output.reserveCapacity(minimumWritableBytes: max(512, Int(stream.pointee.avail_in) / 4))
                let status = output.withUnsafeMutableWritableBytes { room -> Int32 in
                    stream.pointee.next_out = room.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.pointee.avail_out = uInt(room.count)
                    return CZlib.deflate(stream, flush)
                }
                output.moveWriterIndex(forwardBy: output.writableBytes - Int(stream.pointee.avail_out))
                // Z_BUF_ERROR only says there was nothing to do (no input, nothing to flush).
                guard status == Z_OK || status == Z_BUF_ERROR else { return status }
            } while stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
            stream.pointee.next_in = nil
            return Z_OK
        }
        guard status == Z_OK else { throw Failure(status: status) }
    }
}
