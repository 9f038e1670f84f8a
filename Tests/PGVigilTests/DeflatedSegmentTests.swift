// Unit tests of gzip streams joined from separately deflated pieces (zlib checks the joined CRC-32 and length).
import NIOCore
import Testing

@testable import Exposition
@testable import PGVigil

@Suite struct DeflatedSegmentTests {
    @Test func piecesJoinIntoOneGzipStream() throws {
        let parts = [String(repeating: "pg_stat_user_tables_total_size_bytes{relname=\"t\"} 8192\n", count: 5000), "age 3\n", "", "tail\n# EOF\n"]
        let gzip = DeflatedSegment.gzip(try parts.map { try DeflatedSegment(ByteBuffer(string: $0)) })
        #expect(gzip.readableBytes < 20_000)
        let plain = try gzip.gunzipped()
        #expect(String(buffer: plain) == parts.joined())
    }

    @Test func aSegmentDeflatesItsPiecesAsOneAndTheSmallStateCompressesToo() throws {
        // Pieces longer than the output room the deflater starts with, so it grows its output.
        let pieces = (0..<40).map {
            ByteBuffer(string: String(repeating: "pg_table_size_bytes{relname=\"t_\($0)\"} \($0 * 8192)\n", count: 200 + $0))
        }
        let joined = try DeflatedSegment(joining: pieces)
        let whole = try DeflatedSegment(ByteBuffer(string: pieces.map { String(buffer: $0) }.joined()))
        #expect(joined.length == whole.length)
        #expect(joined.crc == whole.crc)
        let small = try DeflatedSegment(ByteBuffer(string: "pgvigil_last_sample_age_seconds{target=\"a\"} 3.5\n"), memory: .small)
        let gzip = DeflatedSegment.gzip([joined, small, whole])
        let text = pieces.map { String(buffer: $0) }.joined()
        #expect(String(buffer: try gzip.gunzipped()) == text + "pgvigil_last_sample_age_seconds{target=\"a\"} 3.5\n" + text)
    }
}
