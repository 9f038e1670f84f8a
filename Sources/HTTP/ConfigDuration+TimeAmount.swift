// Config durations as the NIO timers of the HTTP server take them.
import Config
import NIOCore

extension ConfigDuration {
    /// The duration as NIO's `TimeAmount` in whole nanoseconds (a config duration is at most
    /// `ConfigDuration.maximum`, ten years, far inside `Int64` nanoseconds).
    package var timeAmount: TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
