// GET /api/v1/series?match=SELECTOR&window=15m&consolidation=avg: stored history as Prometheus-style JSON.
import Alerting
import Config
import Exposition
import Store
import Support

/// Answers history queries from the `SeriesArchive`, in the shape of Prometheus's range query
/// result (`resultType: matrix`, `[unix seconds, "value"]` pairs), so tools that read Prometheus's
/// API read this too. A window longer than the raw points reach goes on into the archive's tiers
/// (`consolidation`: `min`, `avg` or `max` of each step). Errors are Prometheus-style `bad_data`
/// documents naming the parameter.
package struct SeriesHistoryAPI: Sendable {
    /// The history of every series.
    package let archive: SeriesArchive
    /// How far back the raw buffers reach, in seconds: the default window.
    package let history: Double

    /// The longest `match` selector accepted, in bytes.
    static let maximumSelectorBytes = 4096
    /// The most regular-expression steps one query may spend selecting series (see `LinearRegex`):
    /// about a tenth of a second of work; a selector that needs more is answered 400.
    var matchStepBudget = 20_000_000

    /// Creates a value from its parts.
    package init(archive: SeriesArchive, history: Double, matchStepBudget: Int = 20_000_000) {
        self.archive = archive
        self.history = history
        self.matchStepBudget = matchStepBudget
    }

    /// The response to a query with parameters `query` at `now`.
    package func respond(query: [String: String], now: Double) -> HTTPResponse {
        guard let match = query["match"] ?? query["match[]"], !match.isEmpty else {
            return Self.badData("missing query parameter: match (e.g. /api/v1/series?match=pg_up&window=15m)")
        }
        guard match.utf8.count <= Self.maximumSelectorBytes else {
            return Self.badData("match: the selector is \(match.utf8.count) bytes long; at most \(Self.maximumSelectorBytes) are allowed")
        }
        let selector: SeriesSelector
        do {
            selector = try SeriesSelector(parsing: match)
        } catch {
            return Self.badData("match: \(error)")
        }
        let window: Double
        do {
            window = try HistoryWindow.seconds(query["window"], history: history, reach: archive.reach(history: history))
        } catch {
            return Self.badData(error.message)
        }
        var consolidation = Consolidation.avg
        if let text = query["consolidation"] {
            guard let chosen = Consolidation(rawValue: text) else {
                return Self.badData("consolidation: \(text) is not one of min, avg, max")
            }
            consolidation = chosen
        }
        var budget = matchStepBudget
        do {
            let entries = try archive.series(named: selector.metric, window: window, now: now, consolidation: consolidation) {
                labels throws(MatchBudgetExhausted) in
                guard let selected = selector.selects(labels: labels, budget: &budget) else { throw MatchBudgetExhausted() }
                return selected
            }
            return .json(.ok, Self.document(metric: selector.metric, entries: entries))
        } catch {
            return Self.badData(
                "match: the regular expressions cost more than \(matchStepBudget) steps over the series of \(selector.metric); narrow the selector")
        }
    }

    /// The matrix document, series sorted by their labels so answers are stable.
    package static func document(metric: String, entries: [SeriesArchive.SeriesHistoryEntry]) -> String {
        let sorted = entries.sorted { $0.labels.lexicographicallyPrecedes($1.labels) { ($0.name, $0.value) < ($1.name, $1.value) } }
        return JSON.text(
            APISuccess(
                Matrix(
                    result: sorted.map { entry in
                        Matrix.Series(
                            metric: Dictionary(
                                entry.labels.map { ($0.name, $0.value) } + [("__name__", metric)], uniquingKeysWith: { first, _ in first }),
                            values: entry.points.map { Matrix.Point(timestamp: $0.timestamp, value: PrometheusTextEncoder.formatValue($0.value)) })
                    })))
    }

    /// A range query's result: each series' labels and its `[unix seconds, "value"]` pairs.
    private struct Matrix: Encodable {
        let resultType = "matrix"
        var result: [Series]

        /// One series.
        struct Series: Encodable {
            var metric: [String: String]
            var values: [Point]
        }

        /// One point, a two-element array as Prometheus writes it.
        struct Point: Encodable {
            var timestamp: Double
            var value: String

            func encode(to encoder: any Encoder) throws {
                var pair = encoder.unkeyedContainer()
                try pair.encode(timestamp)
                try pair.encode(value)
            }
        }
    }

    /// Prometheus's error document.
    private struct APIError: Encodable {
        let status = "error"
        let errorType = "bad_data"
        var error: String
    }

    /// A 400 answer in Prometheus's error shape.
    static func badData(_ message: String) -> HTTPResponse {
        .json(.badRequest, JSON.text(APIError(error: message)))
    }
}

/// A selector ran out of its regular-expression step budget.
private struct MatchBudgetExhausted: Error {}
