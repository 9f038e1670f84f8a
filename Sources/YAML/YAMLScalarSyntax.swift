// What a plain YAML scalar means: null, a boolean, an integer, a number, or just a string.

/// The readings of scalar text that the decoder applies and the emitter avoids (a string that
/// would read as something else is quoted). The booleans are the words Yams (which pgvigil read
/// config with before) accepted, in any case: true/false, yes/no, on/off, so `enabled: yes` keeps
/// working; integers allow a sign, `_` separators, `0x` and `0o`.
package enum YAMLScalarSyntax {
    /// `~`, `null`, `Null`, `NULL`, or nothing.
    package static func isNull(_ text: String) -> Bool {
        ["", "~", "null", "Null", "NULL"].contains(text)
    }

    /// The boolean `text` spells, if any.
    package static func bool(_ text: String) -> Bool? {
        guard text.count <= 5 else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// The integer `text` spells, if any and if it fits in `T`.
    package static func integer<T: FixedWidthInteger>(_ text: String, as type: T.Type = T.self) -> T? {
        var digits = Substring(text.filter { $0 != "_" })
        guard !digits.isEmpty, text.first != "_" else { return nil }
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        if digits.hasPrefix("0x") {
            radix = 16
        } else if digits.hasPrefix("0o") {
            radix = 8
        }
        if radix != 10 { digits = digits.dropFirst(2) }
        // Digits only: `T(_:radix:)` would take a second sign.
        guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit && $0.isASCII }) else { return nil }
        return T(negative ? "-" + digits : String(digits), radix: radix)
    }

    /// The number `text` spells, if any: an integer, a decimal, an exponent form, `.inf`, `-.inf`
    /// or `.nan`.
    package static func number(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard text.first != "_" else { return nil }
        let cleaned = text.filter { $0 != "_" }
        // Decimal notation only: Swift's parser also takes "inf", "nan" and hexadecimal floats.
        guard let first = cleaned.first, first.isNumber || "+-.".contains(first),
            cleaned.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) })
        else { return integer(text, as: Int64.self).map(Double.init) }
        return Double(cleaned)
    }

    /// Whether a plain scalar `text` would read as something other than the string itself.
    package static func readsAsNonString(_ text: String) -> Bool {
        isNull(text) || bool(text) != nil || number(text) != nil
    }
}
