// The alerting loop on a manual clock: rules are evaluated on its ticks, `for` is waited out in its time.

import Testing

@testable import Alerting
@testable import Config

@Suite struct AlertingServiceTests {
    @Test func rulesAreEvaluatedOnTheClocksTicksAndFireAfterTheirHold() async throws {
        let alerting = try await RunningAlerting(receivers: [], hold: ConfigDuration(.seconds(30)))
        // States seen after each tick; a tick is taken once the loop sleeps on the clock again.
        var seen: [String] = []
        for _ in 0..<4 {
            #expect(try await alerting.waitsForTheNextRound())
            seen.append(alerting.board.current.first.map { $0.state.rawValue } ?? "none")
            alerting.clock.advance(by: .seconds(15))
        }
        #expect(try await alerting.waitsForTheNextRound())
        seen.append(alerting.board.current.first.map { $0.state.rawValue } ?? "none")
        // Nothing before the first tick; pending at 15 s and 30 s; firing once 30 s have passed (45 s).
        #expect(seen == ["none", "pending", "pending", "firing", "firing"])
        #expect(alerting.board.current.first?.activeAt == 1_000_015)
        await alerting.stop()
    }
}
