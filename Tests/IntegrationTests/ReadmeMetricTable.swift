// README.md's metric table, read back so a test can hold it to what the agent exports.
import Foundation

/// The family names README.md's "Metrics" table documents. A cell lists names in backticks;
/// `..._SUFFIX` stands for the first name's prefix (up to an underscore) followed by `_SUFFIX`,
/// `{a,b}` for each alternative, and `<name>` for any name (`pg_settings_<name>`).
struct ReadmeMetricTable {
    /// Each row's entries, with braces expanded; `...` entries keep their `..._` form.
    private let rows: [[String]]

    /// Reads the table from the README at `path`.
    init(path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let section = text.components(separatedBy: "\n## Metrics\n").dropFirst().first?.components(separatedBy: "\n## ").first ?? ""
        rows = section.split(separator: "\n").filter { $0.hasPrefix("| `") }.map { line in
            let cell = line.split(separator: "|", omittingEmptySubsequences: false)[1]
            return cell.split(separator: "`").enumerated().filter { $0.offset % 2 == 1 }.flatMap { Self.expandBraces(String($0.element)) }
        }
    }

    /// `a_{x,y}_b` → `a_x_b`, `a_y_b` (one brace group per name, as the table writes them).
    static func expandBraces(_ name: String) -> [String] {
        guard let open = name.firstIndex(of: "{"), let close = name[open...].firstIndex(of: "}") else { return [name] }
        return name[name.index(after: open)..<close].split(separator: ",").map {
            String(name[..<open]) + $0 + String(name[name.index(after: close)...])
        }
    }

    /// Whether `family` is documented by some row.
    func documents(_ family: String) -> Bool {
        rows.contains { entries in
            guard let first = entries.first else { return false }
            return entries.contains { entry in
                if let placeholder = entry.firstIndex(of: "<") { return family.hasPrefix(entry[..<placeholder]) }
                guard entry.hasPrefix("...") else { return entry == family }
                let suffix = entry.dropFirst(3)
                // Any prefix of the row's first name that ends before an underscore.
                return first.indices.contains { index in
                    first[index] == "_" && String(first[..<index]) + suffix == family
                }
            }
        }
    }
}
