// `${VAR}` references in config values, filled from the environment so secrets stay out of files.

/// Expands environment references in secret-bearing config values (receiver URLs and headers,
/// routing keys, the HTTP credentials).
package enum EnvironmentReferences {
    /// `text` with every `${NAME}` replaced by the environment variable NAME, which must be set.
    package static func expand(_ text: String, at path: [any CodingKey], environment: [String: String]) throws(ConfigProblem) -> String {
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstRange(of: "${") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw ConfigProblem(path: path, message: "\"${\" without a closing \"}\"")
            }
            let name = String(rest[open.upperBound..<close])
            guard let value = environment[name] else {
                throw ConfigProblem(path: path, message: "environment variable \(name) is not set")
            }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}
