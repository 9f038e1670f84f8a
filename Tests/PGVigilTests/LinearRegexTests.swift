// The linear-time regular expressions: RE2 semantics, bounded cost, limits and errors with columns.

import TestSupport
import Testing

@testable import PGVigil
@testable import Support

@Suite struct LinearRegexTests {
    @Test(arguments: [
        ("idle", "idle", true), ("idle", "idle in transaction", false), ("idle.*", "idle in transaction", true),
        ("a|b", "b", true), ("a|b", "ab", false), ("(?:ab)+", "ababab", true), ("(ab)+", "ababa", false),
        ("[a-c]{2,3}", "cab", true), ("[a-c]{2,3}", "c", false), ("[a-c]{2,3}", "abca", false), ("x{2}", "xx", true),
        ("x{2,}", "xxxxx", true), ("[^0-9]+", "abc", true), ("[^0-9]+", "ab1", false), (#"\d+\.\d+"#, "15.18", true),
        (#"\w+"#, "pg_up", true), (#"\W"#, "_", false), (#"\s"#, " ", true), ("[[:alpha:]]+", "Prod", true),
        ("(?i)prod", "PROD", true), ("(?i:p)rod", "PrOD", false), ("prod", "PROD", false), (".", "\n", false),
        ("(?s).", "\n", true), ("", "", true), ("", "a", false), ("a?", "", true), ("^a$", "a", true),
        (#"\Aab\z"#, "ab", true), ("a^b", "ab", false), ("a{,2}", "a{,2}", true), (#"[\d-]+"#, "1-2", true),
        ("é+", "ééé", true), (".", "é", true), (#"\x41"#, "A", true), (#"\x{1F600}"#, "\u{1F600}", true),
        ("(a*)*", "aaaa", true), ("(a|)+b", "aaab", true), ("[]a]+", "]a]", true), ("a*?b", "aab", true),
    ])
    func matchesTheWholeTextLikeRE2(pattern: String, text: String, expected: Bool) throws {
        #expect(try LinearRegex(pattern).wholeMatch(text) == expected, "\(pattern) on \(text)")
    }

    /// Patterns a backtracking engine takes exponential time on cost at most (program size) ×
    /// (text length + 1) steps here.
    @Test(arguments: ["(a*)*b", "(a|a)*b", "(a|aa)*c", "(x+x+)+y", "(.*)*=(.*)*!"])
    func catastrophicPatternsCostLinearTime(pattern: String) throws {
        let regex = try LinearRegex(pattern)
        let text = String(repeating: "a", count: 5000)
        var budget = 20 * (text.count + 1) * pattern.count
        let limit = budget
        #expect(regex.wholeMatch(text, budget: &budget) == false)
        #expect(budget >= 0, "spent \(limit - budget) steps")
    }

    /// Each match costs at least the program's size (its thread sets), so many values cannot
    /// be matched for free; a class of many overlapping ranges is merged into few.
    @Test func setupIsChargedAndClassesAreMerged() throws {
        let large = try LinearRegex(String(repeating: "a?", count: 2000))
        var budget = 1000
        #expect(large.wholeMatch("", budget: &budget) == nil)
        let many = try LinearRegex("[" + String(repeating: #"\D"#, count: 1000) + "]")
        #expect(many.wholeMatch("x"))
        #expect(!many.wholeMatch("7"))
        #expect(ScalarSet(ranges: [5...9, 1...3, 4...4, 20...30, 25...26]).ranges == [1...9, 20...30])
    }

    @Test func aSpentBudgetIsReportedNotGuessed() throws {
        let regex = try LinearRegex("(a|b|c|d)*e")
        var budget = 100
        #expect(regex.wholeMatch(String(repeating: "a", count: 1000), budget: &budget) == nil)
    }

    @Test(arguments: [
        (#"ab\1"#, 3, "unsupported escape"), ("(a", 1, "the group is not closed"), ("a)", 2, "unmatched"),
        ("[a-", 1, "is not closed"), ("[z-a]", 3, "backwards"), ("*a", 1, "repeats nothing"), ("a**", 3, "repetition of a repetition"),
        ("a{1001}", 2, "repeat count over 1000"), ("(?P<n>a)", 3, "named groups"), ("(?x)a", 3, "unknown flag"),
        ("a{3,2}", 2, "backwards"), (#"\bword"#, 1, "unsupported escape"), ("[[:foo:]]", 2, "unknown class"),
    ])
    func rejectsWithTheColumn(pattern: String, column: Int, message: String) {
        do {
            _ = try LinearRegex(pattern)
            Issue.record("compiled \(pattern)")
        } catch {
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func patternsOverTheLimitsAreRejected() {
        #expect(throws: RegexSyntaxError.self) { try LinearRegex(String(repeating: "a", count: 4097)) }
        #expect(throws: RegexSyntaxError.self) { try LinearRegex(String(repeating: "(", count: 33) + "a" + String(repeating: ")", count: 33)) }
        #expect(throws: RegexSyntaxError.self) { try LinearRegex("((a{1000}){1000}){1000}") }
        // Repetitions of what compiles to nothing add no instruction; they once looped 1000⁴ times.
        #expect(throws: RegexSyntaxError.self) { try LinearRegex("((((){1000}){1000}){1000}){1000}") }
        #expect(throws: RegexSyntaxError.self) { try LinearRegex("((a{0}){1000}){1000}") }
        #expect((try? LinearRegex(String(repeating: "(", count: 32) + "a" + String(repeating: ")", count: 32))) != nil)
    }

    /// Differential check against Swift's own (backtracking) engine on small random patterns of
    /// the common subset, whose answers must agree wherever both accept the pattern.
    @Test func agreesWithSwiftRegexOnRandomPatterns() throws {
        var generator = SplitMix64(seed: 0x5eed)
        let atoms = ["a", "b", ".", "[ab]", "[^a]", "(a|b)", "(?:ab)", #"\d"#, "(a*)"]
        let quantifiers = ["", "", "*", "+", "?", "{2}", "{1,2}"]
        for _ in 0..<400 {
            let pattern = (0..<Int.random(in: 1...4, using: &generator)).map { _ in
                atoms.randomElement(using: &generator)! + quantifiers.randomElement(using: &generator)!
            }.joined()
            let ours = try LinearRegex(pattern)
            let reference = try Regex(pattern)
            for _ in 0..<8 {
                let text = String((0..<Int.random(in: 0...6, using: &generator)).map { _ in "ab1".randomElement(using: &generator)! })
                #expect(ours.wholeMatch(text) == (text.wholeMatch(of: reference) != nil), "\(pattern) on \(text)")
            }
        }
    }
}
