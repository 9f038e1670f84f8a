// Settings drift between a primary and its standby: a setting changed on the replica only is
// reported on both targets of the cluster and on the status page, and is gone once it is undone.

import Foundation
import TestSupport
import Testing

@testable import Config
@testable import PGVigil
@testable import Postgres

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct SettingsDriftIntegrationTests {
    /// Sets (or resets, with nil) `log_temp_files` on the replica alone and waits until new sessions see it.
    private func setReplicaLogTempFiles(_ value: String?) async throws {
        let replica = try TestCluster.adminReplica()
        _ = try replica.query(value.map { "ALTER SYSTEM SET log_temp_files = '\($0)'" } ?? "ALTER SYSTEM RESET log_temp_files", [])
        _ = try replica.query("SELECT pg_reload_conf()", [])
        let expected = value == nil ? "-1" : "1024"
        let applied = try await waitUntil(timeout: .seconds(10)) {
            try TestCluster.adminReplica().query("SELECT setting FROM pg_settings WHERE name = 'log_temp_files'", []).rows.first?.string("setting")
                == expected
        }
        #expect(applied)
    }

    @Test func aSettingChangedOnTheReplicaOnlyIsDriftOnBothUntilItIsUndone() async throws {
        try await setReplicaLogTempFiles("1MB")
        defer { _ = try? TestCluster.adminReplica().query("ALTER SYSTEM RESET log_temp_files", []) }
        defer { _ = try? TestCluster.adminReplica().query("SELECT pg_reload_conf()", []) }
        // Only `postgres` visited: a visit to a database another suite is dropping waits on its
        // locks (replayed on the replica too) and holds up the settings collector's next run.
        var config = testConfig(targets: [
            TargetConfig(name: "primary", dsn: TestCluster.primaryDSN, labels: ["cluster": "drift"], databases: .list(["postgres"])),
            TargetConfig(name: "replica", dsn: TestCluster.replicaDSN, labels: ["cluster": "drift"], databases: .list(["postgres"])),
        ])
        config.collectors["settings"] = CollectorOptions(interval: ConfigDuration(.milliseconds(500)))
        try await RunningAgent.with(config) { agent in
            let drift = { (scrape: Scrape, target: String) in
                scrape.value("pg_settings_drift", [("target", target), ("cluster", "drift"), ("name", "log_temp_files")])
            }
            let seen = try await agent.scrape(until: { drift($0, "primary") == 1 && drift($0, "replica") == 1 })
            #expect(drift(seen, "primary") == 1 && drift(seen, "replica") == 1)
            // Settings that differ by nature (port, primary_conninfo) are not drift.
            #expect(seen.value("pg_settings_drift", [("target", "replica"), ("cluster", "drift"), ("name", "port")]) == nil)
            let page = try await agent.get("/")
            #expect(page.body.contains("<b>log_temp_files</b> (replica: 1024, primary: -1)"), "\(page.body.prefix(4000))")

            try await setReplicaLogTempFiles(nil)
            let undone = try await agent.scrape(until: { drift($0, "primary") == nil && drift($0, "replica") == nil })
            #expect(drift(undone, "primary") == nil && drift(undone, "replica") == nil)
        }
    }
}
