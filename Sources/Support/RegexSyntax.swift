// Parses the RE2 syntax of PromQL label matchers into a tree, bounded in length and nesting.

/// A parsed regular expression: what `RegexCompiler` compiles. Every node matches a sequence of
/// Unicode scalars; there are no back-references or look-arounds, so it can be matched in linear time.
indirect enum RegexNode: Sendable, Equatable {
    /// Matches the empty string.
    case empty
    /// Matches one scalar in the set.
    case scalar(ScalarSet)
    /// Matches the parts one after another.
    case concatenation([RegexNode])
    /// Matches any one of the branches.
    case alternation([RegexNode])
    /// Matches `node` at least `minimum` and at most `maximum` times (nil: unbounded).
    case repetition(RegexNode, minimum: Int, maximum: Int?)
    /// Matches the empty string at the start (`^`, `\A`) or the end (`$`, `\z`) of the text.
    case textStart
    case textEnd
}

/// A set of Unicode scalars as sorted, disjoint ranges, optionally negated.
struct ScalarSet: Sendable, Equatable {
    /// The ranges of scalar values in the set (before negation), sorted and merged.
    package let ranges: [ClosedRange<UInt32>]
    /// Whether the set is every scalar not in `ranges`.
    let negated: Bool

    /// The set of `ranges` (in any order, overlapping or not), negated if `negated`.
    package init(ranges: [ClosedRange<UInt32>], negated: Bool = false) {
        var merged: [ClosedRange<UInt32>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, range.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        self.ranges = merged
        self.negated = negated
    }

    /// Whether `scalar` is in the set: a binary search of the ranges.
    package func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value { low = middle + 1 } else { high = middle }
        }
        return (low < ranges.count && ranges[low].contains(value)) != negated
    }

    /// The set of one scalar.
    package static func single(_ scalar: Unicode.Scalar) -> ScalarSet { ScalarSet(ranges: [scalar.value...scalar.value]) }

    /// `.`: every scalar but a newline (or every scalar with the `s` flag).
    package static func any(includingNewline: Bool) -> ScalarSet {
        includingNewline ? ScalarSet(ranges: [], negated: true) : ScalarSet(ranges: [10...10], negated: true)
    }

    package static let digits = ScalarSet(ranges: [48...57])
    package static let word = ScalarSet(ranges: [48...57, 65...90, 95...95, 97...122])
    package static let space = ScalarSet(ranges: [9...10, 12...13, 32...32])

    /// The same set with the other case of every ASCII letter added (the `i` flag).
    func caseFolded() -> ScalarSet {
        var folded = ranges
        for range in ranges {
            for (from, to) in [(UInt32(65)...90, Int64(32)), (UInt32(97)...122, Int64(-32))] where range.overlaps(from) {
                let lower = max(range.lowerBound, from.lowerBound), upper = min(range.upperBound, from.upperBound)
                folded.append(UInt32(Int64(lower) + to)...UInt32(Int64(upper) + to))
            }
        }
        return ScalarSet(ranges: folded, negated: negated)
    }
}

/// A pattern that does not parse or exceeds a limit: where (1-based column) and why.
package struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based column (in Unicode scalars) of the offending part.
    package var column: Int
    /// What is wrong.
    package var message: String

    package var description: String { "column \(column): \(message)" }
}

/// A recursive-descent parser of RE2's syntax: literals, `.`, classes (`[a-z]`, `[^…]`, `[[:alpha:]]`,
/// `\d \w \s` and their negations), groups (`(…)`, `(?:…)`, `(?i)`, `(?s:…)`), alternation,
/// the quantifiers `* + ? {n} {n,} {n,m}` (lazy forms accepted), and `^ $ \A \z`.
/// Anything else (back-references, look-arounds, `\b`, Unicode classes) is an error naming its column.
struct RegexParser {
    /// The most a `{n,m}` may say, as in RE2.
    static let maximumRepeatCount = 1000

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private let maximumNesting: Int
    private var depth = 0
    /// The flags in force: case-insensitive, and `.` matching a newline.
    private var caseInsensitive = false
    private var dotMatchesNewline = false

    /// Parses `pattern`, allowing groups nested at most `maximumNesting` deep.
    package static func parse(_ pattern: String, maximumNesting: Int) throws(RegexSyntaxError) -> RegexNode {
        var parser = RegexParser(scalars: Array(pattern.unicodeScalars), maximumNesting: maximumNesting)
        let node = try parser.alternation()
        if parser.position < parser.scalars.count {
            throw parser.error("unmatched \")\"")
        }
        return node
    }

    private init(scalars: [Unicode.Scalar], maximumNesting: Int) {
        self.scalars = scalars
        self.maximumNesting = maximumNesting
    }

    private mutating func alternation() throws(RegexSyntaxError) -> RegexNode {
        var branches = [try concatenation()]
        while peek == "|" {
            position += 1
            branches.append(try concatenation())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func concatenation() throws(RegexSyntaxError) -> RegexNode {
        var parts: [RegexNode] = []
        while let next = peek, next != "|", next != ")" {
            if let atom = try atom() {
                parts.append(try quantified(atom))
            }
        }
        switch parts.count {
        case 0: return .empty
        case 1: return parts[0]
        default: return .concatenation(parts)
        }
    }

    /// One atom, or nil for a flag group such as `(?i)` that only changes the flags.
    private mutating func atom() throws(RegexSyntaxError) -> RegexNode? {
        let start = position
        let next = scalars[position]
        if next == "{", repetitionBounds() != nil {
            throw RegexSyntaxError(column: start + 1, message: "\"{\" repeats nothing")
        }
        position += 1
        switch next {
        case "(": return try group(openedAt: start)
        case "[": return .scalar(try bracketClass(openedAt: start))
        case ".": return .scalar(.any(includingNewline: dotMatchesNewline))
        case "^": return .textStart
        case "$": return .textEnd
        case "\\": return try escape()
        case "*", "+", "?":
            throw RegexSyntaxError(column: start + 1, message: "\"\(next)\" repeats nothing")
        default: return literal(next)
        }
    }

    private func literal(_ scalar: Unicode.Scalar) -> RegexNode {
        let set = ScalarSet.single(scalar)
        return .scalar(caseInsensitive ? set.caseFolded() : set)
    }

    /// `(…)`, `(?:…)`, `(?flags)` or `(?flags:…)`; `(` already consumed.
    private mutating func group(openedAt start: Int) throws(RegexSyntaxError) -> RegexNode? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= maximumNesting else {
            throw RegexSyntaxError(column: start + 1, message: "groups nested deeper than \(maximumNesting)")
        }
        let savedFlags = (caseInsensitive, dotMatchesNewline)
        if peek == "?" {
            position += 1
            var enable = true
            while let flag = peek, flag != ":" && flag != ")" {
                position += 1
                switch flag {
                case "i": caseInsensitive = enable
                case "s": dotMatchesNewline = enable
                case "-" where enable: enable = false
                case "P", "<", "=", "!":
                    throw RegexSyntaxError(column: position, message: "named groups and look-arounds are not supported")
                default:
                    throw RegexSyntaxError(column: position, message: "unknown flag \"\(flag)\" (supported: i, s)")
                }
            }
            guard let end = peek else { throw RegexSyntaxError(column: start + 1, message: "the group is not closed") }
            position += 1
            if end == ")" { return nil }  // (?flags): in force until the end of the enclosing group
        }
        let inner = try alternation()
        guard peek == ")" else { throw RegexSyntaxError(column: start + 1, message: "the group is not closed") }
        position += 1
        (caseInsensitive, dotMatchesNewline) = savedFlags
        return inner
    }

    /// `*`, `+`, `?` or `{…}` after `atom`, if any (a lazy `?` after it is accepted and ignored:
    /// only whether the whole text matches is asked).
    private mutating func quantified(_ atom: RegexNode) throws(RegexSyntaxError) -> RegexNode {
        let start = position
        let bounds: (Int, Int?)
        switch peek {
        case "*": bounds = (0, nil); position += 1
        case "+": bounds = (1, nil); position += 1
        case "?": bounds = (0, 1); position += 1
        case "{":
            guard let parsed = repetitionBounds() else { return atom }  // a literal "{", as in RE2
            position = parsed.end
            guard parsed.minimum <= Self.maximumRepeatCount, (parsed.maximum ?? 0) <= Self.maximumRepeatCount else {
                throw RegexSyntaxError(column: start + 1, message: "repeat count over \(Self.maximumRepeatCount)")
            }
            if let maximum = parsed.maximum, maximum < parsed.minimum {
                throw RegexSyntaxError(column: start + 1, message: "repeat range {\(parsed.minimum),\(maximum)} is backwards")
            }
            bounds = (parsed.minimum, parsed.maximum)
        default:
            return atom
        }
        if peek == "?" { position += 1 }
        if let next = peek, "*+?".unicodeScalars.contains(next) || (next == "{" && repetitionBounds() != nil) {
            throw RegexSyntaxError(column: position + 1, message: "a repetition of a repetition; group it first, e.g. (a*)+")
        }
        if case .textStart = atom { return atom }
        if case .textEnd = atom { return atom }
        return .repetition(atom, minimum: bounds.0, maximum: bounds.1)
    }

    /// `{n}`, `{n,}` or `{n,m}` at the current position (not consumed), with the position after it.
    private func repetitionBounds() -> (minimum: Int, maximum: Int?, end: Int)? {
        var index = position
        guard index < scalars.count, scalars[index] == "{" else { return nil }
        index += 1
        func number() -> Int? {
            var value = 0, digits = 0
            while index < scalars.count, let digit = Int(String(scalars[index])), scalars[index].isASCII {
                guard digits < 6 else { return nil }
                value = value * 10 + digit
                digits += 1
                index += 1
            }
            return digits == 0 ? nil : value
        }
        guard let minimum = number() else { return nil }
        var maximum: Int? = minimum
        if index < scalars.count, scalars[index] == "," {
            index += 1
            maximum = number()
        }
        guard index < scalars.count, scalars[index] == "}" else { return nil }
        return (minimum, maximum, index + 1)
    }

    /// The escape after a `\` outside a class.
    private mutating func escape() throws(RegexSyntaxError) -> RegexNode {
        let start = position
        guard let next = peek else { throw RegexSyntaxError(column: start, message: "a trailing \"\\\"") }
        if next == "A" { position += 1; return .textStart }
        if next == "z" { position += 1; return .textEnd }
        return .scalar(try escapedSet())
    }

    /// The set an escape such as `\d`, `\.` or `\x41` stands for; the `\` is consumed already.
    private mutating func escapedSet() throws(RegexSyntaxError) -> ScalarSet {
        let start = position
        guard let next = peek else { throw RegexSyntaxError(column: start, message: "a trailing \"\\\"") }
        position += 1
        let set: ScalarSet
        switch next {
        case "d": set = .digits
        case "D": set = ScalarSet(ranges: ScalarSet.digits.ranges, negated: true)
        case "w": set = .word
        case "W": set = ScalarSet(ranges: ScalarSet.word.ranges, negated: true)
        case "s": set = .space
        case "S": set = ScalarSet(ranges: ScalarSet.space.ranges, negated: true)
        case "t": set = .single("\t")
        case "n": set = .single("\n")
        case "r": set = .single("\r")
        case "f": set = .single("\u{0C}")
        case "v": set = .single("\u{0B}")
        case "x": set = .single(try hexScalar(escapeColumn: start))
        default:
            guard next.isASCII, !next.properties.isAlphabetic, !("0"..."9").contains(next) else {
                throw RegexSyntaxError(column: start, message: "unsupported escape \"\\\(next)\"")
            }
            set = .single(next)
        }
        return caseInsensitive ? set.caseFolded() : set
    }

    /// `HH` or `{H…}` after `\x`.
    private mutating func hexScalar(escapeColumn: Int) throws(RegexSyntaxError) -> Unicode.Scalar {
        var digits = ""
        if peek == "{" {
            position += 1
            while let next = peek, next != "}" { digits.unicodeScalars.append(next); position += 1 }
            position += 1
        } else {
            for _ in 0..<2 { if let next = peek { digits.unicodeScalars.append(next); position += 1 } }
        }
        guard digits.count <= 6, let value = UInt32(digits, radix: 16), let scalar = Unicode.Scalar(value) else {
            throw RegexSyntaxError(column: escapeColumn, message: "\"\\x\(digits)\" is not a hexadecimal code point")
        }
        return scalar
    }

    private static let namedClasses: [String: ScalarSet] = [
        "alnum": ScalarSet(ranges: [48...57, 65...90, 97...122]), "alpha": ScalarSet(ranges: [65...90, 97...122]),
        "digit": .digits, "lower": ScalarSet(ranges: [97...122]), "upper": ScalarSet(ranges: [65...90]),
        "space": ScalarSet(ranges: [9...13, 32...32]), "word": .word, "xdigit": ScalarSet(ranges: [48...57, 65...70, 97...102]),
        "punct": ScalarSet(ranges: [33...47, 58...64, 91...96, 123...126]),
    ]

    /// `[…]`; `[` already consumed.
    private mutating func bracketClass(openedAt start: Int) throws(RegexSyntaxError) -> ScalarSet {
        var ranges: [ClosedRange<UInt32>] = []
        var negated = false
        if peek == "^" { negated = true; position += 1 }
        var first = true
        while true {
            guard let next = peek else { throw RegexSyntaxError(column: start + 1, message: "the class \"[\" is not closed") }
            if next == "]" && !first { position += 1; break }
            first = false
            if next == "[", position + 1 < scalars.count, scalars[position + 1] == ":" {
                let nameStart = position + 2
                guard let close = (nameStart..<scalars.count).first(where: { scalars[$0] == ":" }),
                    close + 1 < scalars.count, scalars[close + 1] == "]"
                else {
                    throw RegexSyntaxError(column: position + 1, message: "a class such as [:alpha:] is not closed")
                }
                let name = String(String.UnicodeScalarView(scalars[nameStart..<close]))
                guard let named = Self.namedClasses[name] else {
                    throw RegexSyntaxError(column: position + 1, message: "unknown class [:\(name):]")
                }
                ranges += named.ranges
                position = close + 2
                continue
            }
            let low = try classMember()
            if peek == "-", position + 1 < scalars.count, scalars[position + 1] != "]" {
                let dash = position
                position += 1
                let high = try classMember()
                guard low.ranges.count == 1, high.ranges.count == 1, !low.negated, !high.negated,
                    let from = low.ranges.first?.lowerBound, let to = high.ranges.first?.lowerBound
                else {
                    throw RegexSyntaxError(column: dash + 1, message: "a range needs a single character at each end")
                }
                guard from <= to else { throw RegexSyntaxError(column: dash + 1, message: "the range is backwards") }
                ranges.append(from...to)
            } else if low.negated {
                // \D, \W, \S inside a class: add their complement's gaps.
                ranges += Self.complement(of: low.ranges)
            } else {
                ranges += low.ranges
            }
        }
        let set = ScalarSet(ranges: ranges, negated: negated)
        return caseInsensitive ? set.caseFolded() : set
    }

    /// One member of a class: a scalar or an escape.
    private mutating func classMember() throws(RegexSyntaxError) -> ScalarSet {
        let next = scalars[position]
        position += 1
        if next == "\\" {
            let saved = caseInsensitive
            caseInsensitive = false
            defer { caseInsensitive = saved }
            return try escapedSet()
        }
        return .single(next)
    }

    /// The ranges of every scalar value not in `ranges`.
    private static func complement(of ranges: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = max(next, range.upperBound + 1)
        }
        if next <= 0x10FFFF { result.append(next...0x10FFFF) }
        return result
    }

    private var peek: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }
    private func error(_ message: String) -> RegexSyntaxError { RegexSyntaxError(column: position + 1, message: message) }
}
