// Unit tests of the rule expression parser: the supported subset, and errors that point at the column.

import Testing

@testable import Alerting
@testable import PGVigil
@testable import Store

@Suite struct RuleExpressionParserTests {
    @Test func parsesAPlainSelector() throws {
        let expression = try RuleExpressionParser.parse("pg_replication_lag_seconds > 30")
        #expect(expression.metric == "pg_replication_lag_seconds")
        #expect(expression.selector.matchers.isEmpty)
        #expect(expression.window == nil)
        #expect(expression.comparison == .greater)
        #expect(expression.threshold == 30)
    }

    @Test func parsesMatchersAndAWindowFunction() throws {
        let expression = try RuleExpressionParser.parse(
            #"rate( pg_stat_database_blks_read_total{datname!~"template.*", target="p\"1"}[5m] ) >= 1.5e3"#)
        #expect(expression.metric == "pg_stat_database_blks_read_total")
        #expect(expression.window?.function == .rate)
        #expect(expression.window?.range == .seconds(300))
        #expect(expression.comparison == .greaterOrEqual)
        #expect(expression.threshold == 1500)
        #expect(expression.selector.matchers.map(\.op) == [.doesNotMatchRegex, .equal])
        #expect(expression.selector.matchers[1].value == "p\"1")
        #expect(expression.selects(name: "pg_stat_database_blks_read_total", labels: [Label("target", "p\"1"), Label("datname", "app")]))
        #expect(!expression.selects(name: "pg_stat_database_blks_read_total", labels: [Label("target", "p\"1"), Label("datname", "template1")]))
    }

    @Test func regexIsAnchoredLikePromQL() throws {
        let expression = try RuleExpressionParser.parse(#"x{state=~"idle"} > 0"#)
        #expect(expression.selects(name: "x", labels: [Label("state", "idle")]))
        #expect(!expression.selects(name: "x", labels: [Label("state", "idle in transaction")]))
    }

    @Test func missingLabelMatchesTheEmptyString() throws {
        let expression = try RuleExpressionParser.parse(#"x{client_addr=""} > 0"#)
        #expect(expression.selects(name: "x", labels: [Label("target", "a")]))
    }

    @Test(arguments: [
        ("sum(pg_up) < 1", 1, "unsupported function \"sum\""),
        ("pg_up", 6, "expected a comparison"),
        ("pg_up < one", 9, "\"one\" is not a number"),
        ("pg_up{target=primary} < 1", 14, "expected a quoted value"),
        ("rate(x[5q]) > 1", 8, "\"5q\" is not a range"),
        ("rate(x) > 1", 7, "expected a range"),
        ("pg_up < 1 and pg_up > 0", 11, "unexpected \"and pg_up > 0\""),
        (#"x{a=~"("} > 1"#, 3, "the group is not closed"),
        (#"x{a~"b"} > 1"#, 4, "expected one of = != =~ !~"),
        ("  > 1", 3, "expected a metric name"),
    ])
    func rejectsWithTheColumn(text: String, column: Int, message: String) {
        do {
            _ = try RuleExpressionParser.parse(text)
            Issue.record("parsed \(text)")
        } catch {
            #expect(error.column == column, "\(error)")
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test func printsBackWhatItParsed() throws {
        let text = #"max_over_time(pg_x{a="b"}[1h30m]) != 2.5"#
        #expect(try RuleExpressionParser.parse(text).description == text)
    }
}
