// Unit tests of the statements JSON document: order, target filter, escaping, the "other" row skipped.

import Testing

@testable import Collectors
@testable import Exposition
@testable import PGVigil
@testable import Postgres
@testable import Store

@Suite struct StatementTextCatalogTests {
    private func row(_ queryid: String?, time: Double, query: String?) -> Row {
        Row(
            columns: ["datname", "usename", "queryid", "calls", "exec_time", "query"],
            values: [queryid == nil ? nil : "app", queryid == nil ? nil : "web", queryid, "3", String(time), query])
    }

    @Test func entriesSkipTheSummedRestAndConvertMilliseconds() throws {
        let entries = try StatementText.entries(rows: [row("42", time: 1500, query: "SELECT $1"), row(nil, time: 10, query: nil)])
        #expect(entries == [StatementText(queryid: "42", datname: "app", usename: "web", calls: 3, execTimeSeconds: 1.5, query: "SELECT $1")])
    }

    @Test func documentOrdersByTimeFiltersByTargetAndEscapes() throws {
        let catalog = StatementTextCatalog()
        catalog.update(target: "a", statements: try StatementText.entries(rows: [row("1", time: 1000, query: "SELECT \"x\"\n")]))
        catalog.update(target: "b", statements: try StatementText.entries(rows: [row("2", time: 5000, query: "UPDATE t")]))
        let all = catalog.document(target: nil)
        #expect(
            all
                == #"{"data":{"statements":[{"calls":3,"datname":"app","exec_time_seconds":5,"query":"UPDATE t","queryid":"2","target":"b","usename":"web"},{"calls":3,"datname":"app","exec_time_seconds":1,"query":"SELECT \"x\"\n","queryid":"1","target":"a","usename":"web"}]},"status":"success"}"#
        )
        #expect(!catalog.document(target: "a").contains("\"target\":\"b\""))
        catalog.clear(target: "a")
        #expect(catalog.document(target: "a") == #"{"data":{"statements":[]},"status":"success"}"#)
    }
}
