// Durations as Prometheus writes them: 500ms, 15s, 5m, 1h30m, 1d.

/// A duration written in Prometheus's notation: one or more `<integer><unit>` parts, largest unit
/// first, units `y w d h m s ms`.
struct ConfigDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The parsed duration.
    var duration: Duration

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("y", 365 * 86_400_000), ("w", 7 * 86_400_000), ("d", 86_400_000), ("h", 3_600_000),
        ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Wraps a duration.
    init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses `text`; nil if it is not a Prometheus duration.
    init?(parsing text: String) {
        var remaining = Substring(text)
        var total: Int64 = 0
        var lastUnitIndex = -1
        guard !remaining.isEmpty else { return nil }
        while !remaining.isEmpty {
            let digits = remaining.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let number = Int64(digits) else { return nil }
            remaining = remaining.dropFirst(digits.count)
            let unitText = remaining.prefix { $0.isASCII && $0.isLetter }
            guard let unitIndex = Self.units.firstIndex(where: { $0.suffix == unitText }), unitIndex > lastUnitIndex else { return nil }
            remaining = remaining.dropFirst(unitText.count)
            lastUnitIndex = unitIndex
            let (product, overflow) = number.multipliedReportingOverflow(by: Self.units[unitIndex].milliseconds)
            guard !overflow else { return nil }
            total += product
        }
        duration = .milliseconds(total)
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parsed = ConfigDuration(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a duration: write a number and a unit (ms, s, m, h, d, w, y), e.g. 15s or 1h30m")
        }
        self = parsed
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The duration in Prometheus notation, e.g. `1h30m`, `500ms`, `0s`.
    var description: String {
        var milliseconds = Int64(duration.seconds * 1000)
        guard milliseconds > 0 else { return "0s" }
        var text = ""
        for unit in Self.units where milliseconds >= unit.milliseconds {
            text += "\(milliseconds / unit.milliseconds)\(unit.suffix)"
            milliseconds %= unit.milliseconds
        }
        return text
    }
}
