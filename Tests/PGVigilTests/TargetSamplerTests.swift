// A target's loop on a manual clock against a server that hangs up: reconnects back off in the clock's time.

import Logging
import Testing

@testable import Config
@testable import Exposition
@testable import Postgres
@testable import Sampler
@testable import Store
@testable import Support
@testable import TestSupport

@Suite struct TargetSamplerTests {
    @Test func aTargetThatHangsUpIsTriedOnTheBackoffsTicksOnly() async throws {
        let server = try await SilentListener(.hangUp)
        var config = AgentConfig()
        config.interval = ConfigDuration(.seconds(5))
        config.targets = [
            TargetConfig(name: "flaky", dsn: "host=127.0.0.1 port=\(server.port) user=pgvigil dbname=postgres sslmode=disable gssencmode=disable")
        ]
        let target = try #require(try MonitoredTarget.all(from: config, sideResults: CollectorSideResults()).first)
        let lane = TargetLane.dedicated()
        let store = SampleStore()
        let state = ServedState(.initial([]))
        let clock = ManualClock()
        let sampler = TargetSampler(
            target: target, session: DatabaseSession(settings: target.connection, lane: lane), store: store,
            publisher: ExpositionPublisher(initialStatuses: [TargetSampler.initialStatus(of: target)], store: store, state: state),
            logger: Logger(label: "test"), wallClock: { 1_000_000 + clock.now.offset.seconds }, clock: clock)
        let running = Task { await sampler.run() }
        defer {
            running.cancel()
            lane.shutDown()
        }

        // Connections the server saw after the cycle at 0, 5, …, 55 s of the clock's time.
        var attempts: [Int] = []
        for _ in 0..<12 {
            let asleep = try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { clock.sleeperCount == 1 }
            #expect(asleep)
            attempts.append(server.acceptedCount)
            clock.advance(by: .seconds(5))
        }
        // Tried at 0 and 5 s, then after 10 s (at 15) and after the cap of 4 intervals (at 35 and 55).
        #expect(attempts == [1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5])
        #expect(await sampler.sampleOnce().up == false)
        await server.stop()
    }
}
