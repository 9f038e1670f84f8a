// Unit tests of the HTTP server's connection table: who gives way when every slot is taken.

import NIOCore
import Testing

@testable import HTTP
@testable import PGVigil

@Suite struct ConnectionTableTests {
    private let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    /// Admits `connection` at `start` + `seconds` and returns the admission's id and evicted connection.
    private func admit(_ connection: String, at seconds: Int64, into table: inout ConnectionTable<String>) -> (id: Int, evicted: String?)? {
        guard case .admitted(let id, let evicted) = table.admit(connection, at: start + .seconds(seconds)) else { return nil }
        return (id, evicted)
    }

    @Test func admitsUpToCapacityWithoutEvicting() throws {
        var table = ConnectionTable<String>(capacity: 2, stalledAfter: .seconds(10))
        #expect(try #require(admit("a", at: 0, into: &table)).evicted == nil)
        #expect(try #require(admit("b", at: 1, into: &table)).evicted == nil)
        #expect(table.count == 2)
    }

    @Test func whenFullTheLongestWaitingConnectionGivesWay() throws {
        var table = ConnectionTable<String>(capacity: 2, stalledAfter: .seconds(10))
        let a = try #require(admit("a", at: 0, into: &table))
        _ = try #require(admit("b", at: 1, into: &table))
        // a was answered at 5s and waits since then (keep-alive): b has waited longest.
        table.markAnswering(a.id, since: start + .seconds(4))
        table.markWaiting(a.id, since: start + .seconds(5))
        #expect(try #require(admit("c", at: 6, into: &table)).evicted == "b")
        #expect(try #require(admit("d", at: 7, into: &table)).evicted == "a")
        #expect(table.count == 2)
    }

    @Test func aConnectionAnsweringIsNotEvictedWhileAnotherWaits() throws {
        var table = ConnectionTable<String>(capacity: 2, stalledAfter: .seconds(10))
        let a = try #require(admit("a", at: 0, into: &table))
        _ = try #require(admit("b", at: 1, into: &table))
        table.markAnswering(a.id, since: start + .seconds(1))
        // a's answer is stalled by now, but b waits: b gives way.
        #expect(try #require(admit("c", at: 60, into: &table)).evicted == "b")
    }

    @Test func aStalledAnswerGivesWayWhenNoConnectionWaits() throws {
        var table = ConnectionTable<String>(capacity: 2, stalledAfter: .seconds(10))
        let a = try #require(admit("a", at: 0, into: &table))
        let b = try #require(admit("b", at: 0, into: &table))
        table.markAnswering(a.id, since: start + .seconds(2))
        table.markAnswering(b.id, since: start + .seconds(1))
        #expect(admit("c", at: 10, into: &table) == nil)  // b's answer is 9s old: still fresh
        #expect(try #require(admit("c", at: 11, into: &table)).evicted == "b")
    }

    @Test func whenEverySlotIsAnsweringFreshlyTheNewConnectionIsRefused() throws {
        var table = ConnectionTable<String>(capacity: 1, stalledAfter: .seconds(10))
        let a = try #require(admit("a", at: 0, into: &table))
        table.markAnswering(a.id, since: start)
        #expect(admit("b", at: 1, into: &table) == nil)
        table.remove(a.id)
        #expect(try #require(admit("b", at: 2, into: &table)).evicted == nil)
    }

    @Test func onATieTheOlderConnectionGivesWay() throws {
        var table = ConnectionTable<String>(capacity: 2, stalledAfter: .seconds(10))
        _ = try #require(admit("a", at: 0, into: &table))
        _ = try #require(admit("b", at: 0, into: &table))
        #expect(try #require(admit("c", at: 0, into: &table)).evicted == "a")
    }

    @Test func removingAnEvictedConnectionChangesNothing() throws {
        var table = ConnectionTable<String>(capacity: 1, stalledAfter: .seconds(10))
        let a = try #require(admit("a", at: 0, into: &table))
        _ = try #require(admit("b", at: 1, into: &table))
        table.remove(a.id)
        #expect(table.count == 1)
    }
}
