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
                var label = margin + scalarText(key.scalar ?? YAMLScalar("")) + ":"
                if label.utf8.count - indent > 1000 {
                    // libyaml reads an implicit key of at most 1,024 characters: a longer one is explicit.
                    lines.append(margin + "? " + label.dropFirst(indent).dropLast())
                    label = margin + ":"
                }
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
    private static let indicators: Set<Unicode.Scalar> = [
        "-", "?", ":", ",", "[", "]", "{", "}", "#", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`",
    ]

    /// Whether libyaml reads `scalar` as it is inside any scalar: not a control character, not
    /// a line or paragraph separator (U+2028, U+2029), not a byte-order mark, not a noncharacter
    /// it rejects (U+FFFE, U+FFFF).
    private static func isLiteral(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value >= 0x20 && value != 0x7F && !(0x80...0x9F).contains(value) && value != 0x2028 && value != 0x2029
            && value != 0xFEFF && value != 0xFFFE && value != 0xFFFF
    }

    /// Whether `text`, written plain, reads back as exactly this string. Checked scalar by scalar
    /// (as libyaml reads), so that a combining mark cannot hide a space or an indicator.
    private static func readsBackPlain(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last, !YAMLScalarSyntax.readsAsNonString(text) else { return false }
        guard !indicators.contains(first), first != " ", last != " ", last != ":" else { return false }
        for (index, scalar) in scalars.enumerated() {
            guard isLiteral(scalar), !"[]{},".unicodeScalars.contains(scalar) else { return false }
            // ": " starts a mapping value and " #" a comment.
            if index + 1 < scalars.count, (scalar == ":" && scalars[index + 1] == " ") || (scalar == " " && scalars[index + 1] == "#") {
                return false
            }
        }
        return true
    }

    /// `text` double-quoted, with `"`, `\` and every character `isLiteral` refuses escaped.
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
                if !isLiteral(scalar) {
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
