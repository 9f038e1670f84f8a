// Minimal JSON writing for the small documents the endpoints and the JSON log lines need, without Foundation.

/// Builds JSON text for small documents.
package enum JSONText {
    /// `text` as a JSON string literal, quoted and escaped.
    package static func string(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// A JSON object of string values, keys sorted.
    package static func object(_ dictionary: [String: String]) -> String {
        "{" + dictionary.sorted { $0.key < $1.key }.map { string($0.key) + ":" + string($0.value) }.joined(separator: ",") + "}"
    }
}
