// The publisher's render loop on a manual clock: the first change is served at once, later ones
// no more often than every 250 ms of the clock's time.

import Testing

@testable import Sampler
@testable import Store
@testable import TestSupport

@Suite struct ExpositionPublisherTests {
    private func status(lastSuccess: Double) -> TargetStatus {
        TargetStatus(name: "primary", labels: [], interval: 15, up: true, lastSuccess: lastSuccess)
    }

    /// The last success of the target as served now.
    private func served(_ state: ServedState) -> Double? {
        state.current.targets.first?.lastSuccess
    }

    @Test func rendersAChangeAtOnceAndTheNextOnesOnePacingIntervalLater() async throws {
        let store = SampleStore()
        let state = ServedState(.initial([]))
        let clock = ManualClock()
        let publisher = ExpositionPublisher(initialStatuses: [status(lastSuccess: 0)], store: store, state: state, clock: clock)
        let running = Task { await publisher.run() }
        defer { running.cancel() }
        let interval = ExpositionPublisher.minimumRenderInterval

        // Waiting for a change: asleep on the doorbell's hour-long timeout.
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { clock.deadlines == [.seconds(3600)] })
        await publisher.publish(status(lastSuccess: 1))
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { served(state) == 1 })

        // Two changes right after that render: neither is served before the interval has passed,
        // then both are, in one render.
        await publisher.publish(status(lastSuccess: 2))
        await publisher.publish(status(lastSuccess: 3))
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { clock.deadlines == [interval] })
        #expect(served(state) == 1)
        clock.advance(by: interval - .milliseconds(1))
        #expect(clock.deadlines == [interval])
        #expect(served(state) == 1)
        clock.advance(by: .milliseconds(1))
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { served(state) == 3 })

        // After a quiet spell longer than the interval, a change is served without the clock moving.
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { clock.deadlines == [interval + .seconds(3600)] })
        clock.advance(by: .seconds(1))
        await publisher.publish(status(lastSuccess: 4))
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { served(state) == 4 })
    }
}
