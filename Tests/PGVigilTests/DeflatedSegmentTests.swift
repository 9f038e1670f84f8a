// Unit tests of gzip streams joined from separately deflated pieces (zlib checks the joined CRC-32 and length).
import NIOCore
import Testing

@testable import Exposition
@testable import PGVigil

@Suite struct DeflatedSegmentTests {
    @Test func piecesJoinIntoOneGzipStream() throws {
        let parts = [String(repeating: "pg_stat_user_tables_total_size_bytes{relname=\"t\"} 8192\n", count: 5000), "age 3\n", "", "tail\n# EOF\n"]
        let gzip = DeflatedSegment.gzip(try parts.map { try DeflatedSegment(joining: [ByteBuffer(string: $0)]) })
        #expect(gzip.readableBytes < 20_000)
        let plain = try gzip.gunzipped()
        #expect(String(buffer: plain) == parts.joined())
    }

    @Test func aSegmentDeflatesItsPiecesAsOneAndStoredSegmentsJoinThem() throws {
        // Pieces longer than the output room the deflater starts with, so it grows its output.
        let pieces = (0..<40).map {
            ByteBuffer(string: String(repeating: "pg_table_size_bytes{relname=\"t_\($0)\"} \($0 * 8192)\n", count: 200 + $0))
        }
        let joined = try DeflatedSegment(joining: pieces)
        let whole = try DeflatedSegment(joining: [ByteBuffer(string: pieces.map { String(buffer: $0) }.joined())])
        #expect(joined.length == whole.length)
        #expect(joined.crc == whole.crc)
        let age = "pgvigil_last_sample_age_seconds{target=\"a\"} 3.5\n"
        let stored = DeflatedSegment(storing: ByteBuffer(string: age))
        #expect(stored.deflated.readableBytes == age.utf8.count + 5)
        let gzip = DeflatedSegment.gzip([joined, stored, DeflatedSegment(storing: ByteBuffer()), whole])
        let text = pieces.map { String(buffer: $0) }.joined()
        #expect(String(buffer: try gzip.gunzipped()) == text + age + text)
    }

    @Test func storedSegmentsSplitIntoBlocksOfAtMost65535Bytes() throws {
        // 65,535 bytes make one block exactly; one more starts a second.
        for count in [65_535, 65_536, 140_000] {
            let text = String((0..<count).map { Character(UnicodeScalar(UInt8(48 + $0 % 43))) })
            let stored = DeflatedSegment(storing: ByteBuffer(string: text))
            #expect(stored.deflated.readableBytes == count + 5 * ((count + 65_534) / 65_535))
            let gzip = DeflatedSegment.gzip([stored, try DeflatedSegment(joining: [ByteBuffer(string: "# EOF\n")])])
            #expect(String(buffer: try gzip.gunzipped()) == text + "# EOF\n")
        }
    }
}
