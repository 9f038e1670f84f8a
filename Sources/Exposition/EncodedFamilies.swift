// One source's families encoded once: per family its help, type and sample lines, ready to merge.
import NIOCore
import Store

/// The families of one target (or of the agent itself), merged, deduplicated and encoded to
/// sample lines once. Rendering /metrics then only concatenates these lines per family name
/// across targets: series of different targets never collide (their `target` label differs), so
/// no re-encoding or re-deduplication is needed when another target's cycle completes.
package struct EncodedFamilies: Sendable {
    /// One family's header data and its encoded sample lines.
    package struct Family: Sendable {
        package var help: String
        package var type: MetricType
        package var lines: ByteBuffer
    }

    /// By family name.
    package let families: [String: Family]

    /// Encodes `families` (merged and deduplicated first).
    package init(_ families: [MetricFamily]) {
        var encoded: [String: Family] = [:]
        for family in FamilyMerger.merge(families) {
            var lines = ByteBuffer()
            PrometheusTextEncoder.writeSamples(of: family, into: &lines)
            encoded[family.name] = Family(help: family.help, type: family.type, lines: lines.exactCopy)
        }
        self.families = encoded
    }

    private init(families: [String: Family]) {
        self.families = families
    }

    /// The same families with their lines taken from `lines` (by family name): the same bytes
    /// where a rendering keeps them, so this source's own copy can be freed.
    func relocated(to lines: [String: ByteBuffer]) -> EncodedFamilies {
        var relocated = families
        for (name, bytes) in lines { relocated[name]?.lines = bytes }
        return EncodedFamilies(families: relocated)
    }
}
