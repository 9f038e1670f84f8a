// Human-readable numbers for the status page: bytes in binary units, durations, percentages, rates.
import Support

/// Formats a value of a key series for a person.
enum ValueText {
    /// `value` in `unit`, e.g. `1.5 GiB`, `2m 5s`, `99.2%`, `12.3/s`, `42`.
    package static func format(_ value: Double, unit: KeySeries.Unit) -> String {
        switch unit {
        case .count: return decimal(value)
        case .perSecond: return decimal(value) + "/s"
        case .ratio: return decimal(value * 100) + "%"
        case .seconds: return duration(value)
        case .bytes: return bytes(value)
        }
    }

    /// Whole numbers as is; others with up to 3 significant digits (one decimal at least 10).
    static func decimal(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let digits = abs(value) >= 100 ? 0 : abs(value) >= 10 ? 1 : 2
        var scaled = (value * pow10(digits)).rounded() / pow10(digits)
        if scaled == -0 { scaled = 0 }
        if scaled == scaled.rounded(), abs(scaled) < 1e15 { return String(Int64(scaled)) }
        return String(scaled)
    }

    /// Bytes in B, KiB, MiB, GiB, TiB, PiB.
    package static func bytes(_ value: Double) -> String {
        var scaled = value
        for unit in ["B", "KiB", "MiB", "GiB", "TiB"] {
            if abs(scaled) < 1024 { return decimal(scaled) + " " + unit }
            scaled /= 1024
        }
        return decimal(scaled) + " PiB"
    }

    /// Seconds as `850ms`, `12.5s`, `3m 20s`, `2h 5m`, `3d 4h`; `over 100y` beyond a century
    /// (a forecast at a slight slope) or when not finite.
    package static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, abs(seconds) < 100 * 365.25 * 86_400 else { return "over 100y" }
        if seconds < 1, seconds > 0 { return decimal(seconds * 1000) + "ms" }
        if seconds < 60 { return decimal(seconds) + "s" }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60)m \(whole % 60)s" }
        if whole < 86400 { return "\(whole / 3600)h \(whole % 3600 / 60)m" }
        return "\(whole / 86400)d \(whole % 86400 / 3600)h"
    }

    private static func pow10(_ digits: Int) -> Double {
        (0..<digits).reduce(1.0) { value, _ in value * 10 }
    }
}
