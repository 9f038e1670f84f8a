// The alerting loop on a manual clock: rules are evaluated on its ticks, `for` is waited out in its time.

import Foundation
import Logging
import Testing

@testable import Alerting
@testable import Config
@testable import Exposition
@testable import Sampler
@testable import Store
@testable import Support
@testable import TestSupport

@Suite struct AlertingServiceTests {
    @Test func rulesAreEvaluatedOnTheClocksTicksAndFireAfterTheirHold() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-alerting-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var config = AgentConfig()
        config.alerts.evaluationInterval = ConfigDuration(.seconds(15))
        config.alerts.spool = directory
        config.alerts.rules = [AlertRuleConfig(alert: "Connections", expr: "pg_settings_max_connections > 0", for: ConfigDuration(.seconds(30)))]
        let plan = try AlertingPlan.make(from: config, environment: [:])
        let store = SampleStore()
        await store.setSnapshot(
            target: "primary", collector: "activity",
            families: [
                MetricFamily(
                    name: "pg_settings_max_connections", help: "", type: .gauge, samples: [Sample(labels: [Label("target", "primary")], value: 100)])
            ])
        let state = ServedState(.initial([]))
        let board = AlertBoard([])
        let disk = DiskWorker()
        defer { disk.shutDown() }
        let clock = ManualClock()
        let wallClock: @Sendable () -> Double = { 1_000_000 + clock.now.offset.seconds }
        let service = AlertingService(
            plan: plan, book: try AlertBook(repeatInterval: .seconds(3600), stateDirectory: directory, disk: disk), queues: [],
            store: store, state: state, publisher: ExpositionPublisher(initialStatuses: [], store: store, state: state),
            board: board, disk: disk, logger: Logger(label: "test"), wallClock: wallClock, clock: clock)
        let running = Task { try await service.run() }
        defer { running.cancel() }

        // States seen after each tick; a tick is taken once the loop sleeps on the clock again.
        var seen: [String] = []
        for _ in 0..<4 {
            let asleep = try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { clock.sleeperCount == 1 }
            #expect(asleep)
            seen.append(board.current.first.map { $0.state.rawValue } ?? "none")
            clock.advance(by: .seconds(15))
        }
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { clock.sleeperCount == 1 })
        seen.append(board.current.first.map { $0.state.rawValue } ?? "none")
        // Nothing before the first tick; pending at 15 s and 30 s; firing once 30 s have passed (45 s).
        #expect(seen == ["none", "pending", "pending", "firing", "firing"])
        #expect(board.current.first?.activeAt == 1_000_015)
    }
}
