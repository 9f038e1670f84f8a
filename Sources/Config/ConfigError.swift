// A configuration problem, located by file, line, column and field, with what to do about it.

/// A configuration error: where it is (file, line, column when known, and the field path) and why.
package struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The config file, or nil when the value came from a flag or the environment.
    package var file: String?
    /// The 1-based line and column in `file`, when known.
    package var line: Int?
    package var column: Int?
    /// The field, e.g. `targets[0].dsn`, or a flag such as `--listen`.
    package var field: String
    /// What is wrong and what is expected.
    package var message: String

    /// Creates a value from its parts.
    package init(file: String? = nil, line: Int? = nil, column: Int? = nil, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    package var description: String {
        var location = ""
        if let file { location += file + ":" }
        if let line { location += "\(line):" }
        if let column, line != nil { location += "\(column):" }
        if !location.isEmpty { location += " " }
        return "\(location)\(field.isEmpty ? "" : field + ": ")\(message)"
    }
}
