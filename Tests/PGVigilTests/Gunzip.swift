// Test helper: reads a gzip body back through zlib, which checks its CRC-32 and length.
import CZlib
import NIOCore

/// zlib refused a gzip stream (`status` is its answer) or the stream ended early.
struct GunzipFailure: Error {
    let status: Int32
}

extension ByteBuffer {
    /// The bytes of this gzip stream, which must be one complete member.
    func gunzipped() throws -> ByteBuffer {
        var stream = z_stream()
        // 15 + 16: a gzip wrapper with a 32 KiB window.
        guard inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw GunzipFailure(status: Z_MEM_ERROR)
        }
        defer { inflateEnd(&stream) }
        var input = Array(readableBytesView)
        var output = ByteBuffer()
        let status = input.withUnsafeMutableBufferPointer { input -> Int32 in
            stream.next_in = input.baseAddress
            stream.avail_in = uInt(input.count)
            var status = Z_OK
            while status == Z_OK {
                output.reserveCapacity(minimumWritableBytes: 64 * 1024)
                status = output.withUnsafeMutableWritableBytes { room in
                    stream.next_out = room.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    stream.avail_out = uInt(room.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output.moveWriterIndex(forwardBy: output.writableBytes - Int(stream.avail_out))
            }
            return status
        }
        guard status == Z_STREAM_END, stream.avail_in == 0 else { throw GunzipFailure(status: status) }
        return output
    }
}
