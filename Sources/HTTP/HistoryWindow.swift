// The `window` query parameter of the history readers: `/api/v1/series` and the status page.
import Config
import Support

/// Why a `window` parameter was refused, worded for the client (naming the parameter).
struct HistoryWindowProblem: Error {
    var message: String
}

/// Reads a `window` query parameter: a duration such as `15m` or `1w1d`, more than 0 and at most
/// how far back the history reaches (the raw history, or its longest tier).
enum HistoryWindow {
    /// The seconds `text` asks for, or `history` when the parameter is absent.
    static func seconds(_ text: String?, history: Double, reach: Double) throws(HistoryWindowProblem) -> Double {
        guard let text else { return history }
        let duration: Duration
        do {
            duration = try ConfigDuration(validating: text).duration
        } catch {
            throw HistoryWindowProblem(message: "window: \(error)")
        }
        guard duration > .zero, duration.seconds <= reach else {
            throw HistoryWindowProblem(
                message: "window: \(text) is outside 1ms to \(ConfigDuration(.milliseconds(Int64(reach * 1000)))), the history the agent keeps")
        }
        return duration.seconds
    }
}
