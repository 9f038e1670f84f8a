// The YAML layer alone: libyaml's events into a node tree with positions, its bounds, the
// decoder's messages, scalar readings, and the encoder's output read back unchanged.

import Testing

@testable import YAML

@Suite struct YAMLTests {
    @Test func nodesKeepWhereTheyWereWritten() throws {
        let node = try #require(try YAMLParser.parse("a: 1\nlist:\n  - x\n  - 'y'\n"))
        #expect(node.entry("list")?.key.mark == YAMLMark(line: 2, column: 1))
        let elements = try #require(node["list"]?.sequence)
        #expect(elements.map(\.mark) == [YAMLMark(line: 3, column: 5), YAMLMark(line: 4, column: 5)])
        #expect(elements.map { $0.scalar?.isPlain } == [true, false])
        #expect(node.mark(at: [IndexKey(0)]) == node.mark)
        #expect(node.mark(at: [AnyKey("list"), IndexKey(1)]) == YAMLMark(line: 4, column: 5))
        #expect(try YAMLParser.parse("# only a comment\n") == nil)
    }

    @Test func aliasesShareTheirAnchorsNode() throws {
        let node = try #require(try YAMLParser.parse("base: &b { x: 1 }\nother: *b\n"))
        #expect(node["other"]?["x"]?.scalar?.text == "1")
    }

    @Test func whatAHostileFileCouldMakeUnboundedIsAnError() throws {
        // Nine levels of ten aliases each: 10^9 nodes once expanded.
        var laughs = "l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n"
        for level in 1...9 {
            laughs += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: YAMLSyntaxError.self) { try YAMLParser.parse(laughs) }
        #expect(message(of: laughs)?.contains("aliases expand to more than") == true)
        #expect(message(of: String(repeating: "[", count: 100))?.contains("nested deeper than 64 levels") == true)
        // A long string aliased many times counts by its length.
        let long = String(repeating: "x", count: 1 << 20)
        let aliased = "a: &b \"\(long)\"\nlist: [" + Array(repeating: "*b", count: 70_000).joined(separator: ", ") + "]\n"
        #expect(message(of: aliased)?.contains("aliases expand to more than") == true)
        // Nesting through an alias counts the anchor's height.
        let deep = String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40)
        #expect(
            message(of: "a: &d \(deep)\nb: " + String(repeating: "[", count: 40) + "*d" + String(repeating: "]", count: 40) + "\n")?
                .contains("through the alias *d") == true)
        #expect(try YAMLParser.parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)) != nil)
    }

    @Test func syntaxErrorsAndDuplicateKeysNameTheLine() throws {
        let duplicate = try error(of: "a: 1\nb: 2\na: 3\n")
        #expect(duplicate.problem == "duplicate key \"a\"")
        #expect(duplicate.mark == YAMLMark(line: 3, column: 1))
        let unclosed = try error(of: "a: [1, 2\nb: 3\n")
        #expect(unclosed.mark?.line == 2)
        #expect(try error(of: "a: 1\n---\nb: 2\n").problem.contains("more than one document"))
        #expect(try error(of: "a: *missing\n").problem == "unknown alias *missing")
        #expect(try error(of: "? [a]\n: 1\n").problem.contains("a mapping key must be a scalar"))
        // The reader's errors (here a control character on line 3) are placed by their byte.
        let control = try error(of: "a: 1\nb: 2\nc: x\u{1}y\n")
        #expect(control.mark == YAMLMark(line: 3, column: 5))
        #expect(try error(bytes: [0x61, 0x3A, 0x20, 0xFF, 0x0A]).problem.contains("UTF-8"))
    }

    @Test func scalarsReadAsYAMLSays() {
        #expect(YAMLScalarSyntax.integer("0x1F", as: Int.self) == 31)
        #expect(YAMLScalarSyntax.integer("-0o17", as: Int.self) == -15)
        #expect(YAMLScalarSyntax.integer("1_000", as: Int.self) == 1000)
        #expect(YAMLScalarSyntax.integer("+5", as: Int.self) == 5)
        for notInteger in ["", "--5", "0x", "12ab", "_1", "1.5", "99999999999999999999", "+-1"] {
            #expect(YAMLScalarSyntax.integer(notInteger, as: Int.self) == nil, "\(notInteger)")
        }
        #expect(YAMLScalarSyntax.integer("300", as: UInt8.self) == nil)
        #expect(YAMLScalarSyntax.number("1.5e3") == 1500)
        #expect(YAMLScalarSyntax.number("-.inf") == -.infinity)
        #expect(YAMLScalarSyntax.number(".nan")?.isNaN == true)
        #expect(YAMLScalarSyntax.number("inf") == nil)
        #expect(YAMLScalarSyntax.number("0x1p3") == nil)
        #expect(YAMLScalarSyntax.bool("yes") == true && YAMLScalarSyntax.bool("Off") == false && YAMLScalarSyntax.bool("tRuE") == true)
        #expect(YAMLScalarSyntax.bool("maybe") == nil && YAMLScalarSyntax.bool("y") == nil)
        #expect(YAMLScalarSyntax.number("_1") == nil)
        #expect(["", "~", "null", "NULL"].allSatisfy(YAMLScalarSyntax.isNull))
        #expect(YAMLScalar("null", isPlain: false).isNull == false)
        #expect(YAMLScalar("null", tag: "tag:yaml.org,2002:str").isNull == false)
    }

    /// A value with the shapes a config has.
    private struct Sample: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double
        var enabled: Bool
        var note: String?
        var words: [String]
        var labels: [String: String]
        var children: [Child]
        var nothing: [Int]

        struct Child: Codable, Equatable {
            var dsn: String
            var tags: [String]
        }
    }

    /// Fields of each kind, all optional, so that one field at a time can be wrong.
    private struct Fields: Decodable {
        var count: Int?
        var enabled: Bool?
        var words: [String]?
        var labels: [String: String]?
    }

    @Test func decodingErrorsSayWhatWasExpectedAndFound() throws {
        let problems: [(String, String)] = [
            ("count: ten", #"expected an integer, found "ten""#),
            ("count: [1]", "expected an integer, found a list"),
            ("words: [a, ~]", "expected a string, found nothing"),
            ("enabled: maybe", #"expected true or false, found "maybe""#),
            ("words: text", #"expected a list, found "text""#),
            ("labels: [a]", "expected a mapping, found a list"),
        ]
        for (field, expected) in problems {
            do {
                _ = try YAMLDecoder().decode(Fields.self, from: field + "\n")
                Issue.record("\(field) decoded")
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                #expect(context.debugDescription == expected)
                #expect(context.codingPath.first?.stringValue == String(field.prefix { $0 != ":" }))
            }
        }
    }

    @Test func encodedValuesReadBackTheSame() throws {
        let awkward = [
            "yes", "123", "-5", "1.5", "null", "~", "", "a: b", "#x", "x #y", "line\nbreak", "tab\there", "  leading", "trailing ",
            "ünïcode ✓", "-x", "*star", "&anchor", "!tag", "%p", "@at", "`tick", "password=***", "[list]", "{map}", "a,b", "'q'", "\"dq\"",
            "back\\slash", "\u{7}bell", "http://127.0.0.1:9/hook?x=1", "end:",
            // Combining marks must not hide a space or an indicator; separators and noncharacters are escaped.
            "a #\u{301}", "#\u{301}", " \u{301}x", "a: \u{301}b", "a\u{2028}b", "a \u{2029} b", "\u{FEFF}bom", "x\u{FFFF}",
        ]
        let value = Sample(
            name: "db one", count: -3, ratio: 0.25, enabled: true, note: nil, words: awkward, labels: ["env": "prod", "on": "off", "1": "2"],
            children: [Sample.Child(dsn: "host=127.0.0.1 password=***", tags: ["a", "b"]), Sample.Child(dsn: "x", tags: [])], nothing: [])
        let text = try YAMLEncoder().encode(value)
        #expect(try YAMLDecoder().decode(Sample.self, from: text) == value, "\(text)")
        #expect(text.hasPrefix("name: db one\ncount: -3\nratio: 0.25\nenabled: true\nwords:\n  - \"yes\"\n  - \"123\"\n"))
        #expect(text.contains("children:\n  - dsn: host=127.0.0.1 password=***\n    tags:\n      - a\n      - b\n  - dsn: x\n    tags: []\n"))
        #expect(text.hasSuffix("nothing: []\n"))
        #expect(!text.contains("note"))

        // Keys too long for libyaml's implicit keys are written explicitly.
        let longKeys = ["k" + String(repeating: "é", count: 1500): "v", "short": String(repeating: "x", count: 5000)]
        #expect(try YAMLDecoder().decode([String: String].self, from: try YAMLEncoder().encode(longKeys)) == longKeys)
        let nested = ["n" + String(repeating: "a", count: 2000): ["inner": "value"]]
        #expect(try YAMLDecoder().decode([String: [String: String]].self, from: try YAMLEncoder().encode(nested)) == nested)
    }

    @Test func mergeKeysBringTheirEntriesAndOwnEntriesWin() throws {
        struct Target: Decodable, Equatable {
            var name: String
            var dsn: String
            var labels: [String: String]?
        }
        let text = """
            defaults: &defaults { dsn: "host=a", labels: { env: prod } }
            targets:
              - { <<: *defaults, name: one }
              - { <<: [{ dsn: "host=b" }, *defaults], name: two }
              - { <<: *defaults, name: three, dsn: "host=c" }
            """
        let node = try #require(try YAMLParser.parse(text))
        let targets = try YAMLDecoder().decode([Target].self, from: try #require(node["targets"]))
        #expect(targets.map(\.dsn) == ["host=a", "host=b", "host=c"])
        #expect(targets.map(\.name) == ["one", "two", "three"])
        #expect(targets[0].labels == ["env": "prod"])
        do {
            _ = try YAMLDecoder().decode(Target.self, from: "<<: 5\nname: x\ndsn: y\n")
            Issue.record("a merge of a scalar decoded")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.debugDescription.contains("a merge key (<<) takes a mapping"))
        }
    }

    /// The problem of parsing `text`, if it fails.
    private func message(of text: String) -> String? {
        (try? error(of: text))?.problem
    }

    private func error(of text: String) throws -> YAMLSyntaxError {
        try error(bytes: Array(text.utf8))
    }

    private func error(bytes: [UInt8]) throws -> YAMLSyntaxError {
        do {
            _ = try YAMLParser.parse(bytes: bytes)
        } catch {
            return error
        }
        throw YAMLSyntaxError(problem: "no error for \(bytes.count) bytes")
    }

    /// A mapping key for `YAMLNode.mark(at:)`.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
