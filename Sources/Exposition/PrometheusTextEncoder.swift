// Writes metric families in the Prometheus text exposition format 0.0.4 (and OpenMetrics 1.0.0's metadata).
import NIOCore
import Store

/// Encodes families as Prometheus text format 0.0.4: `# HELP`, `# TYPE`, then one line per sample,
/// label values and help text escaped, no timestamps. The same sample lines serve OpenMetrics;
/// only the header differs (see `ExpositionFormat`).
package enum PrometheusTextEncoder {
    /// Appends `family` to `buffer`. The family must already be merged (see `FamilyMerger`).
    package static func write(_ family: MetricFamily, format: ExpositionFormat = .prometheusText, into buffer: inout ByteBuffer) {
        writeHeader(name: family.name, help: family.help, type: family.type, format: format, into: &buffer)
        writeSamples(of: family, into: &buffer)
    }

    /// Appends the `# HELP` and `# TYPE` lines of a family. In OpenMetrics a counter's family
    /// name drops the `_total` its samples carry, and HELP escapes quotes.
    static func writeHeader(name: String, help: String, type: MetricType, format: ExpositionFormat = .prometheusText, into buffer: inout ByteBuffer) {
        let openMetrics = format == .openMetrics
        let familyName = openMetrics && type == .counter && name.hasSuffix("_total") ? String(name.dropLast(6)) : name
        buffer.writeStaticString("# HELP ")
        buffer.writeString(familyName)
        buffer.writeStaticString(" ")
        writeEscaped(help, escapingQuotes: openMetrics, into: &buffer)
        buffer.writeStaticString("\n# TYPE ")
        buffer.writeString(familyName)
        buffer.writeStaticString(type == .counter ? " counter\n" : " gauge\n")
    }

    /// Appends one line per sample of `family`.
    static func writeSamples(of family: MetricFamily, into buffer: inout ByteBuffer) {
        for sample in family.samples {
            buffer.writeString(family.name)
            if !sample.labels.isEmpty {
                buffer.writeStaticString("{")
                for (index, label) in sample.labels.enumerated() {
                    if index > 0 { buffer.writeStaticString(",") }
                    buffer.writeString(label.name)
                    buffer.writeStaticString("=\"")
                    writeEscaped(label.value, escapingQuotes: true, into: &buffer)
                    buffer.writeStaticString("\"")
                }
                buffer.writeStaticString("}")
            }
            buffer.writeStaticString(" ")
            buffer.writeString(formatValue(sample.value))
            buffer.writeStaticString("\n")
        }
    }

    /// Formats a value as Prometheus expects: integers without a fraction, `+Inf`, `-Inf`, `NaN`,
    /// and otherwise the shortest representation that reads back to the same double.
    package static func formatValue(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return value.description
    }

    /// Writes `text` with `\` → `\\` and newline → `\n`, and `"` → `\"` when `escapingQuotes`.
    private static func writeEscaped(_ text: String, escapingQuotes: Bool, into buffer: inout ByteBuffer) {
        let needsEscaping = text.utf8.contains {
            $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\n") || (escapingQuotes && $0 == UInt8(ascii: "\""))
        }
        guard needsEscaping else {
            buffer.writeString(text)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
            case UInt8(ascii: "\"") where escapingQuotes: buffer.writeStaticString("\\\"")
            default: buffer.writeInteger(byte)
            }
        }
    }
}
