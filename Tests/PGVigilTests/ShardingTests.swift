// Sharding by rendezvous hashing: every target exactly once, few moves when an agent is added,
// and the checks of `sharding:` and `--shard`.

import Foundation
import Testing

@testable import Config
@testable import PGVigil

@Suite struct ShardingTests {
    @Test func agentsWithTheSameListCoverItExactlyOnce() {
        let names = (0..<10).map { "db\($0)" }
        for total in 1...4 {
            let shares = (0..<total).map { index in names.filter { ShardingConfig(total: total, index: index).owns($0) } }
            #expect(shares.flatMap { $0 }.sorted() == names.sorted(), "\(total) agents")
            #expect(shares.map(\.count).reduce(0, +) == names.count)
        }
    }

    @Test func addingAnAgentMovesAboutItsShareAndOnlyToIt() {
        let names = (0..<10_000).map { "cluster-\($0).db.internal:5432" }
        let before = names.map { ShardingConfig.owner(of: $0, total: 4) }
        let after = names.map { ShardingConfig.owner(of: $0, total: 5) }
        let moved = zip(before, after).filter { $0 != $1 }
        #expect(moved.allSatisfy { $0.1 == 4 }, "a target moved between agents that stayed")
        let fraction = Double(moved.count) / Double(names.count)
        #expect(abs(fraction - 0.2) < 0.02, "moved \(fraction) of the targets, expected about 1/5")
        // And the shares are even: each of five holds 20 % ± 2 %.
        for share in 0..<5 {
            #expect(abs(Double(after.filter { $0 == share }.count) / Double(names.count) - 0.2) < 0.02)
        }
    }

    /// The hash is the contract between agents (of any version) sharing a list: these owners must
    /// not change, or an upgrade would move targets between running agents.
    @Test func theOwnersOfKnownNamesStayPut() {
        let owners = ["primary", "replica", "db1.example:5432", "orders"].map { ShardingConfig.owner(of: $0, total: 3) }
        #expect(owners == ShardingTests.pinnedOwners)
    }

    /// What the function documented in `ShardingConfig.owner` gives these names for three agents,
    /// computed apart from this code (a Python transcription of the documented steps).
    static let pinnedOwners = [1, 0, 1, 1]

    @Test func theShardFlagAndFieldAreChecked() throws {
        #expect(ShardingConfig(flag: "1/4") == ShardingConfig(total: 4, index: 1))
        #expect(ShardingConfig(flag: "1-4") == nil)
        #expect(
            ConfigFile.loadError("targets: [{ dsn: \"host=a\" }]\nsharding: { total: 2, index: 2 }\n")?.description.hasSuffix(
                "sharding.index: 2 is out of range: must be from 0 to 1") == true)
        #expect(
            ConfigFile.loadError("targets: [{ dsn: \"host=a\" }]\nsharding: { total: 0, index: 0 }\n")?.description.hasSuffix(
                "sharding.total: 0 is out of range: must be from 1 to 1024") == true)
        #expect(throws: ConfigError.self) {
            _ = try AgentSetup.load(overrides: ConfigOverrides(dsns: ["host=a"], shard: "x"), environment: [:])
        }
    }

    @Test func theSetupKeepsOnlyItsShareOfTheTargets() throws {
        let dsns = (0..<10).map { "host=db\($0) port=5432" }
        var kept: [String] = []
        for index in 0..<3 {
            let setup = try AgentSetup.load(overrides: ConfigOverrides(dsns: dsns, shard: "\(index)/3"), environment: [:])
            kept += setup.config.targets.map { $0.name ?? "" }
        }
        #expect(kept.sorted() == (0..<10).map { "db\($0):5432" }.sorted())
    }
}
