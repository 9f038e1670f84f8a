// What a /metrics request's Accept and Accept-Encoding headers ask for, remembered for the last headers seen.
import Exposition
import NIOConcurrencyHelpers
import NIOHTTP1
import Support

/// Reads a /metrics request's `Accept` (the exposition format) and `Accept-Encoding` (whether
/// gzip is acceptable), and remembers the answer for the last pair of header values: a scraper
/// sends the same headers at every scrape, and reading them costs more than the rest of a
/// scrape's answer.
final class MetricsNegotiation: Sendable {
    /// What a request asked for.
    struct Answer: Equatable {
        var format: ExpositionFormat
        var gzip: Bool
    }

    /// The header values last read, and what they asked for.
    private struct Remembered {
        var accept: [String]
        var acceptEncoding: [String]
        var answer: Answer
    }

    private let last = NIOLockedValueBox<Remembered?>(nil)

    /// What `headers` ask for.
    func answer(for headers: HTTPHeaders) -> Answer {
        let accept = headers["Accept"]
        let acceptEncoding = headers["Accept-Encoding"]
        if let remembered = last.withLockedValue({ $0 }), remembered.accept == accept, remembered.acceptEncoding == acceptEncoding {
            return remembered.answer
        }
        let answer = Answer(format: ExpositionFormat.negotiate(accept: accept), gzip: Self.acceptsGzip(acceptEncoding))
        last.withLockedValue { $0 = Remembered(accept: accept, acceptEncoding: acceptEncoding, answer: answer) }
        return answer
    }

    /// Whether the Accept-Encoding values allow gzip (named or `*`, with a q-value above 0).
    static func acceptsGzip(_ acceptEncoding: [String]) -> Bool {
        for coding in HeaderList(acceptEncoding) where coding.hasValue("gzip") || coding.hasValue("*") {
            return coding.quality > 0
        }
        return false
    }
}
