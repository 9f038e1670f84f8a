// An alerting service on a manual clock over one series, for the tests of its loop and its reloads.

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
@testable import WebClient

/// An alerting service running on a manual clock over one series, `pg_settings_max_connections`
/// 100 of target `primary`, with its rules evaluated every 15 s.
struct RunningAlerting {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-alerting-reload-\(UUID().uuidString)").path
    let clock = ManualClock()
    let disk = DiskWorker()
    let board = AlertBoard([])
    let service: AlertingService
    let running: Task<Void, any Error>
    let wallClock: @Sendable () -> Double

    /// A config with the rule `Connections` (max_connections above 0, held `hold`) and `receivers`.
    static func config(spool: String, receivers: [ReceiverConfig], rules: Bool = true, hold: ConfigDuration? = nil) -> AgentConfig {
        var config = AgentConfig()
        config.alerts.evaluationInterval = ConfigDuration(.seconds(15))
        config.alerts.spool = spool
        config.alerts.rules = rules ? [AlertRuleConfig(alert: "Connections", expr: "pg_settings_max_connections > 0", for: hold)] : []
        config.alerts.receivers = receivers
        return config
    }

    /// Starts the service with `receivers`, each sending through the transport given beside it (those a
    /// reload adds post through a real `WebClient`).
    init(receivers: [(ReceiverConfig, any WebhookTransport)], hold: ConfigDuration? = nil) async throws {
        let directory = directory
        let clock = clock
        let disk = disk
        let wallClock: @Sendable () -> Double = { 1_000_000 + clock.now.offset.seconds }
        self.wallClock = wallClock
        let plan = try AlertingPlan.make(from: Self.config(spool: directory, receivers: receivers.map(\.0), hold: hold), environment: [:])
        let members = try zip(plan.receivers, receivers.map(\.1)).map { settings, transport in
            ReceiverFleet.Member(
                queue: try DeliveryQueue(
                    receiver: settings, spool: try Spool(directory: directory + "/" + settings.name), disk: disk, transport: transport,
                    externalURL: plan.externalURL, logger: Logger(label: "test"), wallClock: wallClock, clock: clock))
        }
        let store = SampleStore()
        await store.setSnapshot(
            target: "primary", collector: "activity",
            families: [
                MetricFamily(
                    name: "pg_settings_max_connections", help: "", type: .gauge, samples: [Sample(labels: [Label("target", "primary")], value: 100)])
            ])
        let state = ServedState(.initial([]))
        let service = AlertingService(
            plan: plan, book: try AlertBook(repeatInterval: .seconds(3600), stateDirectory: directory, disk: disk),
            receivers: ReceiverFleet(members: members, externalURL: plan.externalURL),
            transport: WebhookClient(client: WebClient(proxies: .none)), store: store, state: state,
            publisher: ExpositionPublisher(initialStatuses: [], store: store, state: state), board: board, disk: disk,
            logger: Logger(label: "test"), wallClock: wallClock, clock: clock)
        self.service = service
        running = Task { try await service.run() }
    }

    /// Whether the evaluation loop came to wait for its next round (within 10 s).
    func waitsForTheNextRound() async throws -> Bool {
        try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) {
            clock.deadlines.contains { $0 > clock.now.offset && $0 - clock.now.offset <= .seconds(15) }
        }
    }

    /// Moves the clock to the next evaluation, once the loop waits for it.
    func tick() async throws {
        #expect(try await waitsForTheNextRound())
        clock.advance(by: .seconds(15))
    }

    /// Stops the service and removes its files.
    func stop() async {
        running.cancel()
        _ = await running.result
        disk.shutDown()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
