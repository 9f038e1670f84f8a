// Unit tests of the raw request head meter: where heads end and when one is too large.

import Testing

@testable import HTTP
@testable import PGVigil

@Suite struct RequestHeadMeterTests {
    private let head = "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"

    @Test func findsTheEndOfAHeadAndIgnoresWhatFollows() {
        var meter = RequestHeadMeter(maxBytes: 1024)
        #expect(meter.scan(Array((head + "GET /next").utf8)) == .headEnds(length: head.utf8.count))
        #expect(meter.scan(Array("GET /next".utf8)) == .betweenHeads)
        meter.startNextHead()
        #expect(meter.scan(Array(head.utf8)) == .headEnds(length: head.utf8.count))
    }

    @Test func aHeadMayArriveAByteAtATime() {
        var meter = RequestHeadMeter(maxBytes: 1024)
        let bytes = Array(head.utf8)
        for byte in bytes.dropLast() { #expect(meter.scan([byte]) == .headContinues) }
        #expect(meter.scan([bytes.last!]) == .headEnds(length: 1))
    }

    @Test func emptyLinesBeforeTheRequestLineDoNotEndTheHead() {
        var meter = RequestHeadMeter(maxBytes: 1024)
        #expect(meter.scan(Array(("\r\n\r\n" + head).utf8)) == .headEnds(length: 4 + head.utf8.count))
    }

    @Test func bareLineFeedsEndAHeadButALoneCarriageReturnIsContent() {
        var meter = RequestHeadMeter(maxBytes: 1024)
        #expect(meter.scan(Array("GET / HTTP/1.1\nA: b\n\n".utf8)) == .headEnds(length: 21))
        meter.startNextHead()
        #expect(meter.scan(Array("GET / HTTP/1.1\r\nA: b\r\n\r\r\n".utf8)) == .headContinues)
    }

    @Test func countsEveryByteUpToTheCap() {
        var meter = RequestHeadMeter(maxBytes: 100)
        #expect(meter.scan(Array("GET / HTTP/1.1\r\nX-Pad:".utf8)) == .headContinues)
        #expect(meter.scan([UInt8](repeating: 32, count: 78)) == .headContinues)  // 22 + 78 = 100 bytes
        #expect(meter.scan([32]) == .tooLarge)
    }

    @Test func aHeadOfExactlyTheCapIsAccepted() {
        var meter = RequestHeadMeter(maxBytes: head.utf8.count)
        #expect(meter.scan(Array(head.utf8)) == .headEnds(length: head.utf8.count))
    }
}
