// Prometheus remote-write 1.0's WriteRequest in protobuf wire format, written by hand (four small messages).
import Store

/// One series of a WriteRequest: its labels (sorted by name, as the protocol requires) and its
/// samples, oldest first.
package struct WriteSeries: Sendable, Equatable {
    package var labels: [Label]
    package var samples: [SeriesPoint]

    /// Creates a value from its parts.
    package init(labels: [Label], samples: [SeriesPoint]) {
        self.labels = labels
        self.samples = samples
    }
}

/// Encodes `prometheus.WriteRequest` as protoc does:
///
///     message WriteRequest { repeated TimeSeries timeseries = 1; }
///     message TimeSeries  { repeated Label labels = 1; repeated Sample samples = 2; }
///     message Label       { string name = 1; string value = 2; }
///     message Sample      { double value = 1; int64 timestamp = 2; }   // timestamp in ms
///
/// Fields in number order, proto3 defaults (empty strings, 0.0, 0) left out, lengths as varints,
/// doubles as 8 little-endian bytes; the result is byte for byte what `protoc --encode` writes
/// (tested), without swift-protobuf, whose runtime needs Foundation.
package enum WriteRequestEncoder {
    /// The body of a WriteRequest holding `series`, before compression.
    package static func encode(_ series: [WriteSeries]) -> [UInt8] {
        var output: [UInt8] = []
        var message: [UInt8] = []
        var field: [UInt8] = []
        for entry in series {
            message.removeAll(keepingCapacity: true)
            for label in entry.labels {
                field.removeAll(keepingCapacity: true)
                appendString(label.name, number: 1, to: &field)
                appendString(label.value, number: 2, to: &field)
                appendBytes(field, number: 1, to: &message)
            }
            for sample in entry.samples {
                field.removeAll(keepingCapacity: true)
                if sample.value.bitPattern != 0 {
                    appendTag(number: 1, wireType: 1, to: &field)
                    withUnsafeBytes(of: sample.value.bitPattern.littleEndian) { field.append(contentsOf: $0) }
                }
                let milliseconds = milliseconds(sample.timestamp)
                if milliseconds != 0 {
                    appendTag(number: 2, wireType: 0, to: &field)
                    appendVarint(UInt64(bitPattern: milliseconds), to: &field)
                }
                appendBytes(field, number: 2, to: &message)
            }
            appendBytes(message, number: 1, to: &output)
        }
        return output
    }

    /// Milliseconds since 1970 of `seconds`, rounded to the nearest (clamped to Int64's range).
    static func milliseconds(_ seconds: Double) -> Int64 {
        let scaled = (seconds * 1000).rounded()
        guard scaled.isFinite else { return 0 }
        return scaled >= 9.2e18 ? .max : scaled <= -9.2e18 ? .min : Int64(scaled)
    }

    private static func appendTag(number: UInt64, wireType: UInt64, to output: inout [UInt8]) {
        appendVarint(number << 3 | wireType, to: &output)
    }

    /// A length-delimited field (a string, or an embedded message), always written: an empty
    /// embedded message still counts as one element of a repeated field.
    private static func appendBytes(_ bytes: [UInt8], number: UInt64, to output: inout [UInt8]) {
        appendTag(number: number, wireType: 2, to: &output)
        appendVarint(UInt64(bytes.count), to: &output)
        output.append(contentsOf: bytes)
    }

    /// A string field, left out when empty (proto3's default).
    private static func appendString(_ text: String, number: UInt64, to output: inout [UInt8]) {
        guard !text.isEmpty else { return }
        appendTag(number: number, wireType: 2, to: &output)
        appendVarint(UInt64(text.utf8.count), to: &output)
        output.append(contentsOf: text.utf8)
    }

    private static func appendVarint(_ value: UInt64, to output: inout [UInt8]) {
        var rest = value
        while rest >= 0x80 {
            output.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        output.append(UInt8(rest))
    }
}
