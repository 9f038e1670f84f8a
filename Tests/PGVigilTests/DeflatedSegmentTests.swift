// Unit tests of gzip streams joined from separately deflated pieces (zlib checks the joined CRC-32 and length).
import CompressNIO
import NIOCore
import Testing

@testable import Exposition
@testable import PGVigil

@Suite struct DeflatedSegmentTests {
    @Test func piecesJoinIntoOneGzipStream() throws {
        let parts = [String(repeating: "pg_stat_user_tables_total_size_bytes{relname=\"t\"} 8192\n", count: 5000), "age 3\n", "", "tail\n# EOF\n"]
        var gzip = DeflatedSegment.gzip(try parts.map { try DeflatedSegment(ByteBuffer(string: $0)) })
        #expect(gzip.readableBytes < 20_000)
        let plain = try gzip.decompress(with: .gzip())
        #expect(String(buffer: plain) == parts.joined())
    }
}
