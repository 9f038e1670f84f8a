// How long one connect or one statement may wait for a server that may never answer.
import Support

/// The client-side deadline of every libpq call. It needs no cooperation from the server, so it
/// also ends a call to a stopped backend, over a hung network path or to a wedged PgBouncer, where
/// the server's own `statement_timeout` cannot fire.
///
/// The limit is the configured `timeout` (at least 2 s, like libpq's own `connect_timeout`: a
/// connect takes several round trips) plus a one-second `margin`. `timeout` is also the server's `statement_timeout` and `lock_timeout`, so a
/// query that is merely slow still ends with the server's own error (SQLSTATE 57014) first, and the
/// connection stays usable; the client deadline only ends calls the server cannot end itself.
struct ClientDeadline: Sendable, Hashable {
    /// Added to `timeout` so that the server's own timeouts fire first.
    package static let margin: Duration = .seconds(1)
    /// The shortest timeout the limit starts from, as libpq rounds `connect_timeout` up to 2 s.
    static let minimumTimeout: Duration = .seconds(2)

    /// How long one connect (all of it, every host the DSN names) or one statement may take.
    package let limit: Duration

    /// The deadline for calls bounded by the config's `timeout`.
    package init(timeout: Duration) {
        limit = max(timeout, Self.minimumTimeout) + Self.margin
    }

    /// When a call started at `start` must have ended.
    func expiry(from start: ContinuousClock.Instant) -> ContinuousClock.Instant {
        start + limit
    }

    /// How many milliseconds `poll()` may wait at `now` for a call that must end at `expiry`:
    /// rounded up (so a wait never wakes just before expiry and spins), 0 once it passed, and at
    /// most `Int32.max`.
    static func pollMilliseconds(from now: ContinuousClock.Instant, until expiry: ContinuousClock.Instant) -> Int32 {
        guard now < expiry else { return 0 }
        let parts = (expiry - now).components
        let milliseconds = parts.seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return .max }
        let total = milliseconds.partialValue + (parts.attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: total)
    }

    /// The error of a call that got no answer in time. Its text is the same for a connect and a
    /// query and for every retry, so that the sampler logs a stuck server once.
    var noAnswerError: PostgresError {
        PostgresError(
            kind: .connection,
            message: "no answer from the server within \(Self.text(limit)); the connection was dropped (and a running query cancelled)",
            isNoAnswer: true)
    }

    /// `duration` as whole seconds (`11s`), or with the fraction it has (`2.5s`).
    private static func text(_ duration: Duration) -> String {
        let seconds = duration.seconds
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
