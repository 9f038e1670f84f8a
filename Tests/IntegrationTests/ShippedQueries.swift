// The PromQL that ships beside the binary (dashboards/, alerts/), and the metric names it reads.
import Foundation
import YAML

/// Every query of the committed Grafana dashboards and Prometheus rule files, with where it is.
enum ShippedQueries {
    /// A query and the file and panel or rule it comes from.
    struct Query {
        var source: String
        var expr: String
    }

    /// Metric names that Prometheus itself makes, not pgvigil.
    static let madeByPrometheus: Set<String> = ["up", "ALERTS", "ALERTS_FOR_STATE"]

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The files of `directory` ending in `suffix`, sorted.
    static func files(_ directory: String, suffix: String) throws -> [URL] {
        let folder = repository.appendingPathComponent(directory)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(suffix) }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    /// The `expr` of every target of every panel of every dashboard.
    static func dashboards() throws -> [Query] {
        try files("dashboards", suffix: ".json").flatMap { file -> [Query] in
            let board = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any] ?? [:]
            let panels = board["panels"] as? [[String: Any]] ?? []
            return panels.flatMap { panel in
                (panel["targets"] as? [[String: Any]] ?? []).compactMap { target in
                    (target["expr"] as? String).map { Query(source: "\(file.lastPathComponent): \(panel["title"] ?? "")", expr: $0) }
                }
            }
        }
    }

    /// The `expr` of every rule of every `alerts/*.rules.yml`.
    static func rules() throws -> [Query] {
        try files("alerts", suffix: ".rules.yml").flatMap { file -> [Query] in
            let document = try YAMLParser.parse(String(contentsOf: file, encoding: .utf8))
            return (document?["groups"]?.sequence ?? []).flatMap { group in
                (group["rules"]?.sequence ?? []).compactMap { rule in
                    let name = rule["alert"]?.scalar?.text ?? rule["record"]?.scalar?.text ?? ""
                    return rule["expr"]?.scalar.map { Query(source: "\(file.lastPathComponent): \(name)", expr: $0.text) }
                }
            }
        }
    }

    /// The metric names a PromQL expression selects: identifiers outside label matchers, ranges,
    /// strings and grouping clauses that are not functions, keywords or Grafana variables.
    static func metricNames(in expr: String) -> Set<String> {
        var text = expr
        for pattern in [
            #""(\\.|[^"\\])*""#, #"'(\\.|[^'\\])*'"#, #"\{[^}]*\}"#, #"\[[^\]]*\]"#,
            #"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"#, #"\$\w+"#,
        ] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
        }
        let keywords: Set<String> = [
            "and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
            "group_left", "group_right", "inf", "nan", "Inf", "NaN",
        ]
        let identifier = try? NSRegularExpression(pattern: #"(?<![\w.:])[a-zA-Z_:][a-zA-Z0-9_:]*+(?!\s*\()"#)
        let range = NSRange(text.startIndex..., in: text)
        let matches = identifier?.matches(in: text, range: range) ?? []
        return Set(matches.compactMap { Range($0.range, in: text).map { String(text[$0]) } }.filter { !keywords.contains($0) })
    }
}
