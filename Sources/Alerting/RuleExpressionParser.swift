// Parses the PromQL subset of alert rules, with errors that point at the column.
import Config
import Store

/// A rule expression that does not parse: where (1-based column) and what was expected.
package struct RuleExpressionError: Error, Sendable, CustomStringConvertible {
    /// The 1-based column in the expression.
    package var column: Int
    /// What is wrong.
    package var message: String

    package var description: String { "column \(column): \(message)" }

    /// What pgvigil supports, appended to errors about unsupported syntax.
    package static let supported =
        "supported: NAME{label=\"v\",label!=\"v\",label=~\"re\",label!~\"re\"} OP NUMBER, optionally "
        + "FUNCTION(NAME{...}[RANGE]) with FUNCTION one of \(WindowFunction.allCases.map(\.rawValue).joined(separator: ", ")); "
        + "OP one of \(RuleExpression.Comparison.allCases.map(\.rawValue).joined(separator: " "))"
}

/// A recursive-descent parser over the expression's characters.
package struct RuleExpressionParser {
    private let characters: [Character]
    private var position = 0

    /// Parses `text` into an expression.
    package static func parse(_ text: String) throws(RuleExpressionError) -> RuleExpression {
        var parser = RuleExpressionParser(characters: Array(text))
        return try parser.expression()
    }

    /// Parses `text` as a selector alone: `name` or `name{matchers}`.
    static func parseSelector(_ text: String) throws(RuleExpressionError) -> SeriesSelector {
        var parser = RuleExpressionParser(characters: Array(text))
        let selector = try parser.selector(missingName: "expected a metric name such as pg_up or pg_up{target=\"primary\"}")
        parser.skipSpaces()
        guard parser.position == parser.characters.count else {
            throw parser.error("unexpected \"\(String(parser.characters[parser.position...]))\" after the selector")
        }
        return selector
    }

    private init(characters: [Character]) {
        self.characters = characters
    }

    private mutating func expression() throws(RuleExpressionError) -> RuleExpression {
        skipSpaces()
        let nameColumn = column
        let name = identifier(allowingColons: true)
        guard !name.isEmpty else { throw error("expected a metric name; " + RuleExpressionError.supported) }
        skipSpaces()
        let selector: SeriesSelector
        var window: (function: WindowFunction, range: Duration)?
        if peek == "(" {
            guard let function = WindowFunction(rawValue: name) else {
                throw RuleExpressionError(column: nameColumn, message: "unsupported function \"\(name)\"; " + RuleExpressionError.supported)
            }
            advance()
            selector = try self.selector(missingName: "expected a metric name inside \(name)(...)")
            skipSpaces()
            try expect("[", "a range such as [5m] after the selector inside \(name)(...)")
            let rangeColumn = column
            let rangeText = String(take { $0 != "]" })
            guard let range = ConfigDuration(parsing: rangeText), range.duration > .zero else {
                throw RuleExpressionError(column: rangeColumn, message: "\"\(rangeText)\" is not a range such as 30s, 5m or 1h")
            }
            try expect("]", "\"]\" to close the range")
            skipSpaces()
            try expect(")", "\")\" to close \(name)(")
            window = (function, range.duration)
        } else {
            selector = SeriesSelector(metric: name, matchers: try matcherList())
        }
        skipSpaces()
        let comparison = try comparisonOperator()
        skipSpaces()
        let threshold = try number()
        skipSpaces()
        guard position == characters.count else {
            throw error("unexpected \"\(String(characters[position...]))\" after the threshold; " + RuleExpressionError.supported)
        }
        return RuleExpression(selector: selector, window: window, comparison: comparison, threshold: threshold)
    }

    /// `name` or `name{matchers}`; `missingName` is the error when no name is there.
    private mutating func selector(missingName: String) throws(RuleExpressionError) -> SeriesSelector {
        skipSpaces()
        let metric = identifier(allowingColons: true)
        guard !metric.isEmpty else { throw error(missingName) }
        return SeriesSelector(metric: metric, matchers: try matcherList())
    }

    /// `{name="v", ...}` or nothing.
    private mutating func matcherList() throws(RuleExpressionError) -> [LabelMatcher] {
        skipSpaces()
        guard peek == "{" else { return [] }
        advance()
        var matchers: [LabelMatcher] = []
        while true {
            skipSpaces()
            if peek == "}" {
                advance()
                return matchers
            }
            let labelColumn = column
            let label = identifier(allowingColons: false)
            guard !label.isEmpty else { throw error("expected a label name or \"}\"") }
            skipSpaces()
            let opColumn = column
            let op: LabelMatcher.Operator
            if consume("=~") {
                op = .matchesRegex
            } else if consume("!~") {
                op = .doesNotMatchRegex
            } else if consume("!=") {
                op = .notEqual
            } else if consume("=") {
                op = .equal
            } else {
                throw RuleExpressionError(column: opColumn, message: "expected one of = != =~ !~ after label \"\(label)\"")
            }
            skipSpaces()
            let value = try quotedString()
            do {
                matchers.append(try LabelMatcher(name: label, op: op, value: value))
            } catch {
                throw RuleExpressionError(column: labelColumn, message: "the regular expression \"\(value)\" of label \"\(label)\": \(error)")
            }
            skipSpaces()
            if peek == "," {
                advance()
            } else if peek != "}" {
                throw error("expected \",\" or \"}\" after the matcher of label \"\(label)\"")
            }
        }
    }

    private mutating func comparisonOperator() throws(RuleExpressionError) -> RuleExpression.Comparison {
        for candidate in [">=", "<=", "==", "!=", ">", "<"] where consume(candidate) {
            if let comparison = RuleExpression.Comparison(rawValue: candidate) { return comparison }
        }
        if peek == nil { throw error("expected a comparison (> >= < <= == !=) and a threshold") }
        throw error("expected a comparison (> >= < <= == !=), found \"\(String(characters[position...]))\"")
    }

    private mutating func number() throws(RuleExpressionError) -> Double {
        let start = column
        let text = String(take { $0.isNumber || $0.isLetter || "+-._".contains($0) })
        guard let value = Double(text.filter { $0 != "_" }), !value.isNaN, !text.isEmpty else {
            throw RuleExpressionError(column: start, message: text.isEmpty ? "expected a number" : "\"\(text)\" is not a number")
        }
        return value
    }

    /// A double- or single-quoted string with `\"`, `\\`, `\n` escapes.
    private mutating func quotedString() throws(RuleExpressionError) -> String {
        guard let quote = peek, quote == "\"" || quote == "'" else { throw error("expected a quoted value") }
        let start = column
        advance()
        var value = ""
        while let character = peek {
            advance()
            if character == quote { return value }
            if character == "\\", let escaped = peek {
                advance()
                value.append(escaped == "n" ? "\n" : escaped)
            } else {
                value.append(character)
            }
        }
        throw RuleExpressionError(column: start, message: "the quoted value is not closed")
    }

    private mutating func identifier(allowingColons: Bool) -> String {
        let start = position
        while let character = peek, character.isASCII,
            character.isLetter || character == "_" || (allowingColons && character == ":") || (position > start && character.isNumber)
        {
            advance()
        }
        return String(characters[start..<position])
    }

    private mutating func expect(_ character: Character, _ what: String) throws(RuleExpressionError) {
        guard peek == character else { throw error("expected " + what) }
        advance()
    }

    private mutating func consume(_ text: String) -> Bool {
        let candidate = Array(text)
        guard position + candidate.count <= characters.count, Array(characters[position..<position + candidate.count]) == candidate else {
            return false
        }
        position += candidate.count
        return true
    }

    private mutating func take(while predicate: (Character) -> Bool) -> ArraySlice<Character> {
        let start = position
        while let character = peek, predicate(character) { advance() }
        return characters[start..<position]
    }

    private mutating func skipSpaces() {
        while let character = peek, character.isWhitespace { advance() }
    }

    private var peek: Character? { position < characters.count ? characters[position] : nil }
    private var column: Int { position + 1 }
    private mutating func advance() { position += 1 }
    private func error(_ message: String) -> RuleExpressionError { RuleExpressionError(column: column, message: message) }
}
