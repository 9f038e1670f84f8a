// The saved alert state is written at transitions only, never because a firing alert's value moved,
// and a state file that cannot be read stops the start instead of starting afresh.

import Foundation
import Testing

@testable import Alerting
@testable import PGVigil
@testable import Store

@Suite struct AlertBookTests {
    @Test func theStateIsSavedAtTransitionsNotEveryEvaluation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-book-\(UUID().uuidString)").path
        let disk = DiskWorker()
        defer { disk.shutDown() }
        let book = try AlertBook(repeatInterval: .seconds(3600), stateDirectory: directory, disk: disk)
        let rule = AlertRule(
            name: "LagHigh", expression: try RuleExpressionParser.parse("lag > 30"), holdDuration: .seconds(30), resolveExpression: nil,
            labels: [:], annotations: [:])
        func evaluate(_ value: Double, now: Double) async {
            let observation = SeriesObservation(labels: [Label("target", "replica")], value: value, collector: "replication")
            #expect(await book.evaluate(rule, observations: [observation], gaps: DataGaps(), now: now).saveError == nil)
        }
        await evaluate(40, now: 0)  // pending
        #expect(await book.saves == 1)
        await evaluate(41, now: 15)
        #expect(await book.saves == 1)
        await evaluate(42, now: 30)  // firing
        #expect(await book.saves == 2)
        for step in 3...20 { await evaluate(40 + Double(step), now: Double(step) * 15) }
        #expect(await book.saves == 2)
        await evaluate(40, now: 3630)  // notified again after the repeat interval
        #expect(await book.saves == 3)
        let saved = try JSONDecoder().decode(
            [AlertEvaluator.Instance].self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/" + AlertBook.stateFileName)))
        #expect(saved.map(\.state) == [.firing])
        #expect(saved.first?.lastNotifiedAt == 3630)
        await evaluate(1, now: 3645)  // resolved
        #expect(await book.saves == 4)
        let restored = try AlertBook(repeatInterval: .seconds(3600), stateDirectory: directory, disk: disk)
        #expect(await restored.instances.isEmpty)
    }

    @Test func aStateFileThatCannotBeReadIsAnErrorNotAFreshStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-book-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let disk = DiskWorker()
        defer { disk.shutDown() }
        // No file: a first start.
        _ = try AlertBook(repeatInterval: .seconds(3600), stateDirectory: directory, disk: disk)
        // A directory where the file belongs cannot be read, even as root.
        try FileManager.default.createDirectory(atPath: directory + "/" + AlertBook.stateFileName, withIntermediateDirectories: false)
        do {
            _ = try AlertBook(repeatInterval: .seconds(3600), stateDirectory: directory, disk: disk)
            Issue.record("an unreadable state file was taken for none")
        } catch {
            #expect(error.message.contains("cannot read the saved alert state"))
            #expect(error.message.contains("Is a directory"))
        }
    }
}
