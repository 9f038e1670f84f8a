// Unit tests of the one backoff: doubling, the cap, and jitter drawn from an injected generator.

import TestSupport
import Testing

@testable import Support

@Suite struct ExponentialBackoffTests {
    @Test func doublesUpToTheCapWithoutJitter() {
        let backoff = ExponentialBackoff(initial: 1, maximum: 120)
        #expect((1...9).map { backoff.delay(afterFailures: $0) } == [1, 2, 4, 8, 16, 32, 64, 120, 120])
        #expect(backoff.delay(afterFailures: 1_000_000) == 120)  // no overflow however long the outage
    }

    @Test func jitterStaysWithinItsShareAndVaries() throws {
        let backoff = ExponentialBackoff(initial: 10, maximum: 100, jitter: 0.2)
        var generator = SplitMix64(seed: 42)
        let delays = (0..<1000).map { _ in backoff.delay(afterFailures: 1, using: &generator) }
        #expect(delays.allSatisfy { (8...12).contains($0) })
        #expect(Set(delays).count > 900)  // receivers that failed together do not retry together
        #expect(try #require(delays.min()) < 8.1)
        #expect(try #require(delays.max()) > 11.9)
    }
}
