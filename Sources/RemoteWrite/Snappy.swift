// Snappy block compression through libsnappy, as remote-write's `Content-Encoding: snappy` means.
import CSnappy

/// Snappy's block format (not the framed one), which Prometheus remote-write 1.0 requires.
package enum Snappy {
    /// `bytes` compressed as one snappy block.
    package static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var length = snappy_max_compressed_length(bytes.count)
        var output = [UInt8](repeating: 0, count: length)
        let status = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                input.withMemoryRebound(to: CChar.self) { source in
                    out.withMemoryRebound(to: CChar.self) { target in
                        snappy_compress(source.baseAddress, source.count, target.baseAddress, &length)
                    }
                }
            }
        }
        // snappy_compress fails only when the output is smaller than snappy_max_compressed_length.
        precondition(status == SNAPPY_OK, "snappy_compress failed with an output of its own maximum length")
        output.removeSubrange(length...)
        return output
    }

    /// The bytes of one snappy block, nil when `compressed` is not one.
    package static func uncompress(_ compressed: [UInt8]) -> [UInt8]? {
        compressed.withUnsafeBufferPointer { input in
            input.withMemoryRebound(to: CChar.self) { source -> [UInt8]? in
                var length = 0
                guard snappy_uncompressed_length(source.baseAddress, source.count, &length) == SNAPPY_OK else { return nil }
                var output = [UInt8](repeating: 0, count: length)
                let status = output.withUnsafeMutableBufferPointer { out in
                    out.withMemoryRebound(to: CChar.self) { snappy_uncompress(source.baseAddress, source.count, $0.baseAddress, &length) }
                }
                return status == SNAPPY_OK ? Array(output.prefix(length)) : nil
            }
        }
    }
}
