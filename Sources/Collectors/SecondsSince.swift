// The age of a server timestamp as SQL: never negative, and absent when the event never happened.

/// SQL for the seconds from `timestamp` to now. PostgreSQL's GREATEST ignores NULLs, so
/// `greatest(0, now() - never)` alone would read "never" as "just now": the CASE keeps it NULL,
/// and the series is left out.
enum SecondsSince {
    /// The expression for `timestamp`, an SQL expression of a `timestamptz` (NULL for never).
    static func sql(_ timestamp: String) -> String {
        "CASE WHEN (\(timestamp)) IS NULL THEN NULL ELSE greatest(0, extract(epoch FROM now() - (\(timestamp)))) END"
    }
}
