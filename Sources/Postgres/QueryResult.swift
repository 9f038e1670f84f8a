// The rows of a query as text values, with typed accessors that name the column on failure.

/// The result of a query: rows of text values (NULL is nil).
package struct QueryResult: Sendable {
    /// The rows.
    package var rows: [Row]
}

/// One row, decoded from PostgreSQL's text format on demand.
package struct Row: Sendable {
    /// Column name → index.
    private let columnIndex: [String: Int]
    /// The values in text format, nil for NULL.
    private let values: [String?]

    /// Creates a row from column names and values.
    package init(columns: [String], values: [String?]) {
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        self.columnIndex = index
        self.values = values
    }

    /// Creates a row from column name/value pairs (used by tests of the row→samples functions).
    package init(_ pairs: KeyValuePairs<String, String?>) {
        self.init(columns: pairs.map(\.key), values: pairs.map(\.value))
    }

    /// Whether the row has a column named `column`.
    package func has(_ column: String) -> Bool { columnIndex[column] != nil }

    /// The raw text of `column`, nil for NULL. Throws if the row has no such column.
    package func text(_ column: String) throws -> String? {
        guard let position = columnIndex[column] else {
            throw PostgresError(kind: .decoding, message: "the query returned no column \"\(column)\"")
        }
        return values[position]
    }

    /// `column` as a string, nil for NULL.
    package func string(_ column: String) throws -> String? { try text(column) }

    /// `column` as a double (numeric, integer, float types), nil for NULL.
    package func double(_ column: String) throws -> Double? {
        guard let text = try text(column) else { return nil }
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let value = Double(text) else {
                throw PostgresError(kind: .decoding, message: "column \"\(column)\" holds \"\(text)\", not a number")
            }
            return value
        }
    }

    /// `column` as an integer, nil for NULL.
    package func int(_ column: String) throws -> Int? {
        guard let text = try text(column) else { return nil }
        guard let value = Int(text) else {
            throw PostgresError(kind: .decoding, message: "column \"\(column)\" holds \"\(text)\", not an integer")
        }
        return value
    }

    /// `column` as a boolean (`t`/`f`), nil for NULL.
    package func bool(_ column: String) throws -> Bool? {
        guard let text = try text(column) else { return nil }
        switch text {
        case "t", "true", "on": return true
        case "f", "false", "off": return false
        default: throw PostgresError(kind: .decoding, message: "column \"\(column)\" holds \"\(text)\", not a boolean")
        }
    }
}
