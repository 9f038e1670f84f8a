// A pre-rendered /metrics body, split around the one family that is computed at scrape time.
import NIOCore
import Store

/// The exposition of a completed sampling cycle, rendered once and served as is.
///
/// The sample lines of every family are kept once, in `lines`, for both formats: Prometheus text
/// and OpenMetrics differ only in their HELP and TYPE lines (kept per family in `headers`) and
/// OpenMetrics' closing `# EOF`. A plain scrape joins each family's header in its format with
/// its lines. Each format is also deflated once, around the age family, so a gzip scrape only
/// copies bytes and compresses that family.
///
/// `pgvigil_last_sample_age_seconds` must be true at the moment of the scrape, so it is not
/// rendered here: it is written where it sorts, between the families before it (the head) and
/// after it (the tail).
package struct RenderedExposition: Sendable {
    /// The name of the family rendered at scrape time.
    static let ageFamilyName = "pgvigil_last_sample_age_seconds"

    /// Where each family's bytes are: its header in each format in `headers`, its sample lines
    /// (of every source) in `lines`. Families in name order; those before `tailStart` sort
    /// before the age family.
    private struct Layout: Sendable {
        struct Family: Sendable {
            var textHeader: Range<Int>
            var openMetricsHeader: Range<Int>
            var lines: Range<Int>
        }

        var headers = ByteBuffer()
        var lines = ByteBuffer()
        var families: [Family] = []
        var tailStart = 0

        /// The pieces of `format`'s head or tail (headers and lines, as slices); the tail ends
        /// with OpenMetrics' `# EOF`.
        func pieces(tail: Bool, _ format: ExpositionFormat) -> [ByteBuffer] {
            let range = tail ? tailStart..<families.count : 0..<tailStart
            var pieces: [ByteBuffer] = []
            pieces.reserveCapacity(2 * range.count + 1)
            for family in families[range] {
                let header = format == .openMetrics ? family.openMetricsHeader : family.textHeader
                pieces.append(headers.getSlice(at: header.lowerBound, length: header.count) ?? ByteBuffer())
                pieces.append(lines.getSlice(at: family.lines.lowerBound, length: family.lines.count) ?? ByteBuffer())
            }
            if format == .openMetrics, tail { pieces.append(ByteBuffer(staticString: "# EOF\n")) }
            return pieces
        }

        /// `format`'s head and tail deflated, or nil if zlib failed.
        func deflated(_ format: ExpositionFormat) -> (head: DeflatedSegment, tail: DeflatedSegment)? {
            try? (
                DeflatedSegment(joining: pieces(tail: false, format)),
                DeflatedSegment(joining: pieces(tail: true, format))
            )
        }
    }

    private let layout: Layout
    /// Each format's head and tail deflated; nil if compressing failed (then gzip is not offered).
    private let deflatedText: (head: DeflatedSegment, tail: DeflatedSegment)?
    private let deflatedOpenMetrics: (head: DeflatedSegment, tail: DeflatedSegment)?
    /// The sources rendered, each family's lines now a slice of the rendered lines: a publisher
    /// that keeps these for the next render (instead of the sources it passed) holds each
    /// target's lines once.
    package let sources: [EncodedFamilies]
    /// Per target: its labels and the wall-clock time of its last successful cycle, if any.
    package let lastSuccess: [(labels: [Label], timestamp: Double?)]

    /// An exposition with no families at all (before the first cycle).
    package static let empty = RenderedExposition(encoded: [], lastSuccess: [])

    /// Renders `families` (which must not contain the age family).
    package init(families: [MetricFamily], lastSuccess: [(labels: [Label], timestamp: Double?)]) {
        self.init(encoded: [EncodedFamilies(families)], lastSuccess: lastSuccess)
    }

    /// Renders already encoded sources: per family name, sorted, one header (from the first
    /// source that has it) and every source's lines in order.
    package init(encoded sources: [EncodedFamilies], lastSuccess: [(labels: [Label], timestamp: Double?)]) {
        let names = Set(sources.flatMap(\.families.keys)).sorted()
        var layout = Layout()
        // Exactly the lines' size: no room left over from doubling, no copy to shed it.
        layout.lines.reserveCapacity(sources.reduce(0) { $0 + $1.families.values.reduce(0) { $0 + $1.lines.readableBytes } })
        layout.families.reserveCapacity(names.count)
        var ranges = [[String: Range<Int>]](repeating: [:], count: sources.count)
        for name in names {
            let start = layout.lines.writerIndex
            var first: EncodedFamilies.Family?
            for (index, source) in sources.enumerated() {
                guard var part = source.families[name] else { continue }
                first = first ?? part
                let partStart = layout.lines.writerIndex
                layout.lines.writeBuffer(&part.lines)
                ranges[index][name] = partStart..<layout.lines.writerIndex
            }
            guard let first else { continue }
            layout.families.append(
                Layout.Family(
                    textHeader: Self.header(name, first, .prometheusText, into: &layout.headers),
                    openMetricsHeader: Self.header(name, first, .openMetrics, into: &layout.headers),
                    lines: start..<layout.lines.writerIndex))
        }
        layout.headers = layout.headers.exactCopy
        layout.tailStart = names.firstIndex { $0 >= Self.ageFamilyName } ?? names.count
        let lines = layout.lines
        self.sources = zip(sources, ranges).map { source, ranges in
            source.relocated(to: ranges.mapValues { lines.getSlice(at: $0.lowerBound, length: $0.count) ?? ByteBuffer() })
        }
        self.layout = layout
        self.lastSuccess = lastSuccess
        deflatedText = layout.deflated(.prometheusText)
        deflatedOpenMetrics = layout.deflated(.openMetrics)
    }

    /// Writes a family's HELP and TYPE lines in `format`; returns where they are.
    private static func header(
        _ name: String, _ family: EncodedFamilies.Family, _ format: ExpositionFormat, into headers: inout ByteBuffer
    ) -> Range<Int> {
        let start = headers.writerIndex
        PrometheusTextEncoder.writeHeader(name: name, help: family.help, type: family.type, format: format, into: &headers)
        return start..<headers.writerIndex
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
        let age = ageBytes(now: now, format: format)
        let pieces = layout.pieces(tail: false, format) + [age] + layout.pieces(tail: true, format)
        var body = ByteBuffer()
        body.reserveCapacity(pieces.reduce(0) { $0 + $1.readableBytes })
        for var piece in pieces { body.writeBuffer(&piece) }
        return body
    }

    /// The same body in gzip: the head and tail were deflated at render time, and the age family
    /// goes in as it is (stored). Nil when compression failed at render time.
    package func gzipBody(now: Double, format: ExpositionFormat = .prometheusText) -> ByteBuffer? {
        guard let deflated = format == .openMetrics ? deflatedOpenMetrics : deflatedText else { return nil }
        let age = DeflatedSegment(storing: ageBytes(now: now, format: format))
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
