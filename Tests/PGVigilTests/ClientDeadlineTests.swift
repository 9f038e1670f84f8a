// Unit tests of the client-side deadline of libpq calls: its arithmetic and its error.

import Testing

@testable import PGVigil
@testable import Postgres

@Suite struct ClientDeadlineTests {
    @Test(arguments: [
        (Duration.seconds(10), Duration.seconds(11)),
        (.seconds(5), .seconds(6)),
        (.milliseconds(2500), .milliseconds(3500)),
        // Below 2 s (libpq's floor for connect_timeout too), the limit starts from 2 s.
        (.milliseconds(500), .seconds(3)),
    ])
    func limitIsTheTimeoutPlusAMargin(timeout: Duration, limit: Duration) {
        #expect(ClientDeadline(timeout: timeout).limit == limit)
    }

    @Test func aSlowQueryMeetsTheServersStatementTimeoutFirst() throws {
        let settings = ConnectionSettings(connectionString: try ConnectionString("host=db"), timeout: .seconds(10))
        let parameter = try #require(settings.sessionSetup?.parameters.first ?? nil)
        let milliseconds = try #require(Int(parameter))
        #expect(settings.clientDeadline.limit >= .milliseconds(milliseconds) + .seconds(1))
    }

    @Test func pollWaitsRoundUpToTheMillisecondAndStopAtExpiry() {
        let now = ContinuousClock.now
        #expect(ClientDeadline.pollMilliseconds(from: now, until: now + .microseconds(1)) == 1)
        #expect(ClientDeadline.pollMilliseconds(from: now, until: now + .milliseconds(1500)) == 1500)
        #expect(ClientDeadline.pollMilliseconds(from: now, until: now + .nanoseconds(1_500_000_001)) == 1501)
        #expect(ClientDeadline.pollMilliseconds(from: now, until: now) == 0)
        #expect(ClientDeadline.pollMilliseconds(from: now + .seconds(1), until: now) == 0)
        #expect(ClientDeadline.pollMilliseconds(from: now, until: now + .seconds(100_000_000)) == Int32.max)
    }

    @Test func noAnswerIsAConnectionErrorWithAStableMessage() {
        let error = ClientDeadline(timeout: .seconds(10)).noAnswerError
        #expect(error.kind == .connection)
        #expect(error.isNoAnswer)
        #expect(error.sqlState == nil)
        #expect("\(error)" == "no answer from the server within 11s; the connection was dropped (and a running query cancelled)")
        #expect("\(ClientDeadline(timeout: .milliseconds(2500)).noAnswerError)".hasPrefix("no answer from the server within 3.5s;"))
    }
}
