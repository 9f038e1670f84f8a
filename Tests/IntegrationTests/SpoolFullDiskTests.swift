// The spool on a full disk (a 64 KiB tmpfs, filled): an alert that fires still reaches the
// receiver, exactly once; the spool's health metric and its default rule say so; freeing space heals it.

import Foundation
import TestSupport
import Testing

@testable import Alerting
@testable import Config
@testable import PGVigil

@Suite(
    .enabled(if: TestCluster.runs(if: TestCluster.isAvailable && getuid() == 0), "needs the servers of scripts/test.sh and root (to mount a tmpfs)"))
struct SpoolFullDiskTests {
    /// A 64 KiB tmpfs mounted for one test, unmounted and removed afterwards.
    private struct SmallDisk {
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-fulldisk-\(UUID().uuidString)").path

        init() throws {
            try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
            try Self.command("/bin/mount", "-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", mountPoint)
        }

        /// Writes `name` until the disk refuses; returns how many bytes fit.
        @discardableResult
        func fill(_ name: String) -> Int {
            let descriptor = open(mountPoint + "/" + name, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            defer { close(descriptor) }
            let chunk = [UInt8](repeating: 0, count: 4096)
            var total = 0
            while true {
                let written = chunk.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else { return total }
                total += written
            }
        }

        func unmount() throws {
            try Self.command("/bin/umount", mountPoint)
            try FileManager.default.removeItem(atPath: mountPoint)
        }

        private static func command(_ path: String, _ arguments: String...) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw SpoolError(message: "\(path) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
            }
        }
    }

    @Test func aFiringAlertReachesTheReceiverOnceWhileTheSpoolDiskIsFull() async throws {
        let disk = try SmallDisk()
        defer { try? disk.unmount() }
        let spool = disk.mountPoint + "/spool"
        try FileManager.default.createDirectory(atPath: spool + "/oncall", withIntermediateDirectories: true)
        #expect(disk.fill("filler") > 0)
        #expect(disk.fill("crumbs") >= 0)  // what a last partial page left
        #expect(!FileManager.default.createFile(atPath: disk.mountPoint + "/probe", contents: Data(repeating: 1, count: 8192)))

        let receiver = try await WebhookReceiver()
        var config = testConfig(targets: [TargetConfig(name: "primary", dsn: TestCluster.primaryDSN)])
        config.alerts.evaluationInterval = ConfigDuration(.milliseconds(500))
        config.alerts.spool = spool
        let example = try AgentSetup.load(
            overrides: ConfigOverrides(configFile: ShippedQueries.repository.appendingPathComponent("examples/pgvigil.yaml").path), environment: [:]
        ).config
        var spoolRule = try #require(example.alerts.rules.first { $0.alert == "PgvigilSpoolNotWritable" })
        spoolRule.for = nil  // at once, not after the default's 5 minutes
        config.alerts.rules = [AlertRuleConfig(alert: "PrimaryUp", expr: #"pg_settings_max_connections{target="primary"} > 0"#), spoolRule]
        config.alerts.receivers = [ReceiverConfig(name: "oncall", url: receiver.url())]
        func bodies(_ alert: String) -> [String] {
            receiver.received.filter { $0.status == 200 && $0.body.contains(#""alertname":"\#(alert)""#) }.map(\.body)
        }

        try await RunningAgent.with(config) { agent in
            let fired = try await waitUntil(timeout: .seconds(20)) { !bodies("PrimaryUp").isEmpty }
            #expect(fired)
            let unhealthy = try await agent.scrape(until: { $0.value("pgvigil_spool_writable", [("receiver", "oncall")]) == 0 })
            #expect(unhealthy.value("pgvigil_spool_writable", [("receiver", "oncall")]) == 0)
            // The default rule on the spool's health fires, and its notification gets out from memory too.
            let warned = try await waitUntil(timeout: .seconds(20)) {
                bodies("PgvigilSpoolNotWritable").contains { $0.contains(#""status":"firing""#) }
            }
            #expect(warned)
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: spool + "/oncall")) ?? []).filter { $0.hasSuffix(".json") }.isEmpty)

            // Space comes back: the spool is retried (every 10 s), heals, and the warning resolves.
            try FileManager.default.removeItem(atPath: disk.mountPoint + "/filler")
            let healed = try await agent.scrape(until: { $0.value("pgvigil_spool_writable", [("receiver", "oncall")]) == 1 }, timeout: .seconds(30))
            #expect(healed.value("pgvigil_spool_writable", [("receiver", "oncall")]) == 1)
            let resolved = try await waitUntil(timeout: .seconds(20)) {
                bodies("PgvigilSpoolNotWritable").contains { $0.contains(#""status":"resolved""#) }
            }
            #expect(resolved)
            let drained = try await waitUntil(timeout: .seconds(10)) {
                ((try? FileManager.default.contentsOfDirectory(atPath: spool + "/oncall")) ?? []).filter { $0.hasSuffix(".json") }.isEmpty
            }
            #expect(drained)
            let final = try await agent.get("/metrics")
            #expect(final.value("pgvigil_notifications_total", [("receiver", "oncall"), ("outcome", "dropped")]) == 0)
            #expect(final.value("pgvigil_notifications_total", [("receiver", "oncall"), ("outcome", "failed")]) == 0)
        }
        try await receiver.stop()
        // Exactly once: the firing alert was neither lost nor sent again (its repeat interval is 4h).
        #expect(bodies("PrimaryUp").count == 1, "delivered \(bodies("PrimaryUp").count) times")
        #expect(bodies("PrimaryUp").first?.contains(#""status":"firing""#) == true)
    }
}
