// Durations as Prometheus writes them: 500ms, 15s, 5m, 1h30m, 1d.
import Support

/// A duration written in Prometheus's notation: one or more `<integer><unit>` parts, largest unit
/// first, units `y w d h m s ms`.
package struct ConfigDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The parsed duration.
    package var duration: Duration

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Wraps a duration.
    package init(_ duration: Duration) {
        self.duration = duration
    }

    /// The longest duration accepted anywhere (ten years): every sum and product of the parts is
    /// checked against it, so no text can overflow the arithmetic.
    package static let maximum = Duration.milliseconds(10 * 365 * 86_400_000)

    /// Parses `text`; nil if it is not a Prometheus duration or is longer than `maximum`.
    package init?(parsing text: String) {
        guard let parsed = try? ConfigDuration(validating: text) else { return nil }
        self = parsed
    }

    /// Parses `text`; throws saying why it is not a duration, or that it is longer than `maximum`.
    package init(validating text: String) throws(ConfigDurationError) {
        var remaining = Substring(text)
        var total: Int64 = 0
        var lastUnitIndex = -1
        let maximumMilliseconds = Int64(Self.maximum.seconds * 1000)
        guard !remaining.isEmpty else { throw ConfigDurationError(text: text, reason: .notADuration) }
        while !remaining.isEmpty {
            let digits = remaining.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { throw ConfigDurationError(text: text, reason: .notADuration) }
            remaining = remaining.dropFirst(digits.count)
            let unitText = remaining.prefix { $0.isASCII && $0.isLetter }
            guard let unitIndex = Self.units.firstIndex(where: { $0.suffix == unitText }), unitIndex > lastUnitIndex else {
                throw ConfigDurationError(text: text, reason: .notADuration)
            }
            remaining = remaining.dropFirst(unitText.count)
            lastUnitIndex = unitIndex
            guard let number = Int64(digits) else { throw ConfigDurationError(text: text, reason: .tooLong) }
            let (product, productOverflow) = number.multipliedReportingOverflow(by: Self.units[unitIndex].milliseconds)
            let (sum, sumOverflow) = total.addingReportingOverflow(product)
            guard !productOverflow, !sumOverflow, sum <= maximumMilliseconds else { throw ConfigDurationError(text: text, reason: .tooLong) }
            total = sum
        }
        duration = .milliseconds(total)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try ConfigDuration(validating: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The duration in Prometheus notation, e.g. `1h30m`, `500ms`, `0s`.
    package var description: String {
        // From the integer components: through a Double, 1005ms printed as 1s4ms (found by fuzzing).
        let (seconds, attoseconds) = duration.components
        var milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        guard milliseconds > 0 else { return "0s" }
        var text = ""
        for unit in Self.units where milliseconds >= unit.milliseconds {
            text += "\(milliseconds / unit.milliseconds)\(unit.suffix)"
            milliseconds %= unit.milliseconds
        }
        return text
    }
}

/// Why a text is not an acceptable duration.
package struct ConfigDurationError: Error, Sendable, CustomStringConvertible {
    /// The two reasons.
    package enum Reason: Sendable {
        case notADuration
        case tooLong
    }

    /// The text as given.
    package var text: String
    /// Why it was refused.
    package var reason: Reason

    package var description: String {
        switch reason {
        case .notADuration:
            "\"\(text)\" is not a duration: write a number and a unit (ms, s, m, h, d, w, y), e.g. 15s or 1h30m"
        case .tooLong:
            "\"\(text)\" is longer than \(ConfigDuration(ConfigDuration.maximum)), the longest duration pgvigil accepts"
        }
    }
}
