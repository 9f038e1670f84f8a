// Unit tests of CRC-32 and of gzip streams joined from separately deflated pieces.
import CompressNIO
@testable import Exposition
import NIOCore
@testable import PGVigil
@testable import Support
import Testing

@Suite struct DeflatedSegmentTests {
    private func crc(_ text: String) -> UInt32 {
        Array(text.utf8).withUnsafeBytes { CRC32.checksum($0) }
    }

    @Test func crc32MatchesTheCheckValueAndCombines() {
        #expect(crc("123456789") == 0xCBF4_3926)
        #expect(crc("") == 0)
        let first = "# HELP pg_up Up.\n", second = String(repeating: "pg_up{target=\"a\"} 1\n", count: 1000)
        #expect(CRC32.combine(crc(first), crc(second), secondLength: second.utf8.count) == crc(first + second))
        #expect(CRC32.combine(0, crc(second), secondLength: second.utf8.count) == crc(second))
    }

    @Test func piecesJoinIntoOneGzipStream() throws {
        let parts = [String(repeating: "pg_stat_user_tables_total_size_bytes{relname=\"t\"} 8192\n", count: 5000), "age 3\n", "", "tail\n# EOF\n"]
        var gzip = DeflatedSegment.gzip(try parts.map { try DeflatedSegment(ByteBuffer(string: $0)) })
        #expect(gzip.readableBytes < 20_000)
        let plain = try gzip.decompress(with: .gzip())
        #expect(String(buffer: plain) == parts.joined())
    }
}
