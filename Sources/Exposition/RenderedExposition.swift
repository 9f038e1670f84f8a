// A pre-rendered /metrics body, split around the one family that is computed at scrape time.
import NIOCore
import Store

/// The exposition of a completed sampling cycle, rendered once and served as is.
///
/// `pgvigil_last_sample_age_seconds` must be true at the moment of the scrape, so it is not
/// rendered here: the body is split where that family sorts, and the server writes the head,
/// the age family, then the tail. Both formats are rendered (the sample lines twice, the
/// headers per format) and deflated, so a scrape in either, plain or gzip, only copies bytes
/// (and compresses the age family).
package struct RenderedExposition: Sendable {
    /// The name of the family rendered at scrape time.
    static let ageFamilyName = "pgvigil_last_sample_age_seconds"

    /// One format's body around the age family, also deflated once for gzip-accepting scrapes.
    private struct Halves: Sendable {
        /// Families that sort before the age family.
        var head: ByteBuffer
        /// Families that sort after the age family (and OpenMetrics' `# EOF`).
        var tail: ByteBuffer
        /// `head` and `tail` deflated; nil if compressing failed (then gzip is not offered).
        var deflated: (head: DeflatedSegment, tail: DeflatedSegment)?

        init(head: ByteBuffer, tail: ByteBuffer) {
            self.head = head.exactCopy
            self.tail = tail.exactCopy
            deflated = try? (DeflatedSegment(head), DeflatedSegment(tail))
        }
    }

    private var text: Halves
    private var openMetrics: Halves
    /// Per target: its labels and the wall-clock time of its last successful cycle, if any.
    package var lastSuccess: [(labels: [Label], timestamp: Double?)]

    /// An exposition with no families at all (before the first cycle).
    package static let empty = RenderedExposition(encoded: [], lastSuccess: [])

    /// Renders `families` (which must not contain the age family).
    package init(families: [MetricFamily], lastSuccess: [(labels: [Label], timestamp: Double?)]) {
        self.init(encoded: [EncodedFamilies(families)], lastSuccess: lastSuccess)
    }

    /// Renders already encoded sources: per family name, sorted, one header (from the first
    /// source that has it) and every source's lines in order.
    package init(encoded sources: [EncodedFamilies], lastSuccess: [(labels: [Label], timestamp: Double?)]) {
        var text = (head: ByteBuffer(), tail: ByteBuffer())
        var openMetrics = (head: ByteBuffer(), tail: ByteBuffer())
        let names = Set(sources.flatMap(\.families.keys)).sorted()
        for name in names {
            let parts = sources.compactMap { $0.families[name] }
            if name < Self.ageFamilyName {
                Self.append(name, parts, format: .prometheusText, to: &text.head)
                Self.append(name, parts, format: .openMetrics, to: &openMetrics.head)
            } else {
                Self.append(name, parts, format: .prometheusText, to: &text.tail)
                Self.append(name, parts, format: .openMetrics, to: &openMetrics.tail)
            }
        }
        openMetrics.tail.writeStaticString("# EOF\n")
        self.init(
            text: Halves(head: text.head, tail: text.tail), openMetrics: Halves(head: openMetrics.head, tail: openMetrics.tail),
            lastSuccess: lastSuccess)
    }

    /// Writes one family: the header from the first part, then every part's lines.
    private static func append(_ name: String, _ parts: [EncodedFamilies.Family], format: ExpositionFormat, to buffer: inout ByteBuffer) {
        guard let first = parts.first else { return }
        PrometheusTextEncoder.writeHeader(name: name, help: first.help, type: first.type, format: format, into: &buffer)
        for part in parts {
            var lines = part.lines
            buffer.writeBuffer(&lines)
        }
    }

    private init(text: Halves, openMetrics: Halves, lastSuccess: [(labels: [Label], timestamp: Double?)]) {
        self.text = text
        self.openMetrics = openMetrics
        self.lastSuccess = lastSuccess
    }

    /// The age family as of `now`: one sample per target that has ever been sampled successfully.
    func ageFamily(now: Double) -> MetricFamily {
        MetricFamily(
            name: Self.ageFamilyName,
            help: "Seconds since the target's last successful sampling cycle.",
            type: .gauge,
            samples: lastSuccess.compactMap { entry in
                entry.timestamp.map { Sample(labels: entry.labels, value: max(0, now - $0)) }
            })
    }

    /// The complete body in `format` as of `now`, in one buffer.
    package func body(now: Double, format: ExpositionFormat = .prometheusText) -> ByteBuffer {
        let halves = format == .openMetrics ? openMetrics : text
        var body = ByteBuffer()
        body.reserveCapacity(halves.head.readableBytes + halves.tail.readableBytes + 128 * lastSuccess.count)
        var head = halves.head
        body.writeBuffer(&head)
        var age = ageBytes(now: now, format: format)
        body.writeBuffer(&age)
        var tail = halves.tail
        body.writeBuffer(&tail)
        return body
    }

    /// The same body gzip-compressed: the head and tail were deflated at render time, only the
    /// age family is compressed now. Nil when compression failed at render time.
    package func gzipBody(now: Double, format: ExpositionFormat = .prometheusText) -> ByteBuffer? {
        let halves = format == .openMetrics ? openMetrics : text
        guard let deflated = halves.deflated, let age = try? DeflatedSegment(ageBytes(now: now, format: format)) else { return nil }
        return DeflatedSegment.gzip([deflated.head, age, deflated.tail])
    }

    /// The age family's lines as of `now` (nothing when no target was ever sampled).
    private func ageBytes(now: Double, format: ExpositionFormat) -> ByteBuffer {
        var bytes = ByteBuffer()
        let age = ageFamily(now: now)
        if !age.samples.isEmpty { PrometheusTextEncoder.write(age, format: format, into: &bytes) }
        return bytes
    }
}
