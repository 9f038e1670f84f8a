// Reloading alerting while it runs, on a manual clock: rules removed resolve, receivers added,
// changed and removed, nothing spooled lost.

import Foundation
import Logging
import Testing

@testable import Alerting
@testable import Config
@testable import TestSupport

@Suite struct AlertingReloadTests {
    /// The `status` of each request's Alertmanager webhook body.
    private func statuses(_ transport: ScriptedTransport) -> [String] {
        transport.requests.map { $0.body.contains("\"status\":\"resolved\"") ? "resolved" : "firing" }
    }

    @Test func aRemovedRuleResolvesItsFiringAlertAtEveryReceiverAndAnAddedReceiverGetsItToo() async throws {
        let first = ScriptedTransport()
        let alerting = try await RunningAlerting(receivers: [(ReceiverConfig(name: "first", url: "http://127.0.0.1:9/first"), first)])
        try await alerting.tick()
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { first.requests.count == 1 })
        #expect(alerting.board.current.map(\.state) == [.firing])

        // The rule removed and a receiver added in one reload.
        let second = ScriptedTransport()
        let config = RunningAlerting.config(
            spool: alerting.directory,
            receivers: [
                ReceiverConfig(name: "first", url: "http://127.0.0.1:9/first"), ReceiverConfig(name: "second", url: "http://127.0.0.1:9/second"),
            ],
            rules: false)
        let plan = try AlertingPlan.make(from: config, environment: [:])
        let secondQueue = try DeliveryQueue(
            receiver: plan.receivers[1], spool: try Spool(directory: alerting.directory + "/second"), disk: alerting.disk, transport: second,
            externalURL: plan.externalURL, logger: Logger(label: "test"), wallClock: alerting.wallClock, clock: alerting.clock)
        #expect(await alerting.service.apply(AlertingChange(plan: plan, opened: [ReceiverFleet.Member(queue: secondQueue)], book: nil)))

        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { first.requests.count == 2 && second.requests.count == 1 })
        #expect(statuses(first) == ["firing", "resolved"])
        #expect(statuses(second) == ["resolved"])
        #expect(alerting.board.current.isEmpty)
        // No rule is left to fire again.
        try await alerting.tick()
        try await alerting.tick()
        #expect(first.requests.count == 2 && second.requests.count == 1)
        await alerting.stop()
    }

    @Test func aChangedReceiverSendsWhatWaitsAtOnceWithItsNewURL() async throws {
        let transport = ScriptedTransport()
        transport.respond(with: 503)
        let alerting = try await RunningAlerting(receivers: [(ReceiverConfig(name: "pager", url: "http://127.0.0.1:9/old"), transport)])
        try await alerting.tick()
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { transport.requests.count == 1 })

        // The URL fixed: the notification waiting out its backoff goes at once, to the new URL.
        transport.respond(with: 200)
        let plan = try AlertingPlan.make(
            from: RunningAlerting.config(spool: alerting.directory, receivers: [ReceiverConfig(name: "pager", url: "http://127.0.0.1:9/new")]),
            environment: [:])
        #expect(await alerting.service.apply(AlertingChange(plan: plan, opened: [], book: nil)))
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { transport.requests.count == 2 })
        #expect(transport.requests.map(\.url) == ["http://127.0.0.1:9/old", "http://127.0.0.1:9/new"])
        #expect(transport.requests.map(\.status) == [503, 200])
        #expect(transport.requests[1].at == transport.requests[0].at)  // no clock time passed: no backoff waited
        await alerting.stop()
    }

    @Test func aRemovedReceiverKeepsItsSpoolAndSendsItWhenConfiguredAgain() async throws {
        let transport = ScriptedTransport()
        transport.respond(with: 503)
        let alerting = try await RunningAlerting(receivers: [(ReceiverConfig(name: "pager", url: "http://127.0.0.1:9/hook"), transport)])
        try await alerting.tick()
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { transport.requests.count == 1 })
        let spool = alerting.directory + "/pager"
        #expect(try await waitUntil(timeout: .seconds(10), every: .milliseconds(5)) { (try? Spool(directory: spool).load().count) == 1 })

        // Removed: its queue stops, what it had not sent stays spooled.
        let without = try AlertingPlan.make(from: RunningAlerting.config(spool: alerting.directory, receivers: []), environment: [:])
        #expect(await alerting.service.apply(AlertingChange(plan: without, opened: [], book: nil)))
        #expect(try Spool(directory: spool).load().map(\.notification.status) == [.firing])

        // Configured again (a real receiver on loopback, through `prepare`): the spooled firing is sent.
        let receiver = try await WebhookReceiver()
        let with = try AlertingPlan.make(
            from: RunningAlerting.config(spool: alerting.directory, receivers: [ReceiverConfig(name: "pager", url: receiver.url())]),
            environment: [:])
        let change = try alerting.service.prepare(with, replacing: without, openingBook: false)
        #expect(change.opened.map(\.queue.name) == ["pager"])
        #expect(await alerting.service.apply(change))
        #expect(try await waitUntil(timeout: .seconds(10)) { receiver.received.count == 1 })
        #expect(receiver.received.first?.body.contains("\"status\":\"firing\"") == true)
        #expect(try await waitUntil(timeout: .seconds(10)) { (try? Spool(directory: spool).load().count) == 0 })
        try await receiver.stop()
        await alerting.stop()
    }
}
