// Writes a YAML node tree as block-style text that `YAMLParser` reads back to the same tree.

/// Writes YAML text: mappings and sequences in block style indented by two spaces, empty ones
/// as `{}` and `[]`, plain scalars as they are, and string scalars plain when that reads back as
/// the same string and double-quoted (with JSON's escapes, which YAML shares) otherwise.
package enum YAMLEmitter {
    /// `node` as a YAML document.
    package static func text(of node: YAMLNode) -> String {
        var lines: [String] = []
        write(node, indent: 0, into: &lines)
        return lines.joined(separator: "\n") + "\n"
    }

    /// Appends `node`'s lines at `indent` (a scalar or an empty collection is one line).
    private static func write(_ node: YAMLNode, indent: Int, into lines: inout [String]) {
        let margin = String(repeating: " ", count: indent)
        if let inline = inline(node) {
            lines.append(margin + inline)
            return
        }
        switch node.content {
        case .mapping(let entries):
            for (key, value) in entries {
                let label = margin + scalarText(key.scalar ?? YAMLScalar("")) + ":"
                if let inline = inline(value) {
                    lines.append(label + " " + inline)
                } else {
                    lines.append(label)
                    write(value, indent: indent + 2, into: &lines)
                }
            }
        case .sequence(let elements):
            for element in elements {
                // The element's first line takes the dash: "- name: x", its other lines align under it.
                var nested: [String] = []
                write(element, indent: indent + 2, into: &nested)
                guard let first = nested.first else { continue }
                lines.append(margin + "- " + first.dropFirst(indent + 2))
                lines.append(contentsOf: nested.dropFirst())
            }
        case .scalar:
            break
        }
    }

    /// The one-line form of a scalar or an empty collection; nil for what takes lines of its own.
    private static func inline(_ node: YAMLNode) -> String? {
        switch node.content {
        case .scalar(let scalar): scalarText(scalar)
        case .mapping(let entries): entries.isEmpty ? "{}" : nil
        case .sequence(let elements): elements.isEmpty ? "[]" : nil
        }
    }

    /// A plain scalar as written; a string plain if that is safe, else double-quoted.
    private static func scalarText(_ scalar: YAMLScalar) -> String {
        if scalar.isPlain || readsBackPlain(scalar.text) { return scalar.text }
        return quoted(scalar.text)
    }

    /// The characters that may not start a plain scalar.
    private static let indicators: Set<Character> = ["-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`"]

    /// Whether `text`, written plain, reads back as exactly this string.
    private static func readsBackPlain(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last, !YAMLScalarSyntax.readsAsNonString(text) else { return false }
        return !indicators.contains(first) && first != " " && last != " " && last != ":"
            && !text.contains(": ") && !text.contains(" #")
            && text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
            && !text.contains { "[]{},".contains($0) }
    }

    /// `text` double-quoted, with `"`, `\` and control characters escaped.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
