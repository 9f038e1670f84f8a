// Rendered bytes kept between cycles without the room their building left.
import NIOCore

extension ByteBuffer {
    /// A copy holding only the readable bytes, in storage of exactly that size. Buffers built by
    /// appending (a deflater's output too) double their capacity as they grow: what is kept until
    /// the next render is copied first.
    var exactCopy: ByteBuffer { ByteBuffer(bytes: readableBytesView) }
}
