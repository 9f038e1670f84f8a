// The wall clock in seconds since 1970: the time base of stored points and of sample ages.
import FoundationEssentials

/// Reads the system's wall clock.
package enum WallClock {
    /// Seconds since 1970-01-01 UTC.
    @Sendable package static func now() -> Double {
        Date().timeIntervalSince1970
    }
}
