// Waits that double after each failure up to a cap, with optional jitter: reconnects and webhook retries.

/// The delay before the next try after `failures` failed ones: `initial` × 2^(failures − 1), at
/// most `maximum`, then scaled by a random factor within ±`jitter` (so many clients that failed
/// together do not retry together).
package struct ExponentialBackoff: Sendable {
    /// The delay after the first failure, in seconds.
    package var initial: Double
    /// The longest delay before jitter, in seconds.
    package var maximum: Double
    /// The largest relative change jitter makes (0.2: ±20 %); 0 for none.
    package var jitter: Double

    /// Creates a backoff from its parts.
    package init(initial: Double, maximum: Double, jitter: Double = 0) {
        self.initial = initial
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay in seconds after `failures` failed tries (at least 1), drawing jitter from `generator`.
    package func delay(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Double {
        let capped = min(initial * Double(1 << min(max(failures - 1, 0), 30)), maximum)
        return jitter > 0 ? capped * Double.random(in: (1 - jitter)...(1 + jitter), using: &generator) : capped
    }

    /// The delay in seconds after `failures` failed tries, with the system's random numbers.
    package func delay(afterFailures failures: Int) -> Double {
        var generator = SystemRandomNumberGenerator()
        return delay(afterFailures: failures, using: &generator)
    }
}
