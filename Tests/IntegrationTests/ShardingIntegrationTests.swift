// Two agents sharing one list of ten named targets (all on the real primary): each samples its
// share, together all of them, none twice.
import Foundation
import TestSupport
import Testing

@testable import Config

@Suite(.enabled(if: TestCluster.runs(if: TestCluster.isAvailable), "needs the servers of scripts/test.sh"))
struct ShardingIntegrationTests {
    /// The `target` labels of the `pg_up` series in `body`.
    private func sampledTargets(_ body: String) -> Set<String> {
        Set(
            body.split(separator: "\n").filter { $0.hasPrefix("pg_up{") }.compactMap { line in
                line.firstRange(of: #"target=""#).map { start in String(line[start.upperBound...].prefix { $0 != "\"" }) }
            })
    }

    @Test func twoShardsSampleTheListOnceBetweenThem() async throws {
        let names = (0..<10).map { "db\($0)" }
        var config = testConfig(targets: names.map { TargetConfig(name: $0, dsn: TestCluster.primaryDSN) }, interval: .seconds(1))
        config.collectors = Dictionary(
            uniqueKeysWithValues: ["table_sizes", "indexes", "partitions", "vacuum", "settings"].map { ($0, CollectorOptions(enabled: false)) })
        var shares: [Set<String>] = []
        for index in 0..<2 {
            var sharded = config
            sharded.sharding = ShardingConfig(total: 2, index: index)
            let expected = Set(names.filter { ShardingConfig(total: 2, index: index).owns($0) })
            let sampled = try await RunningAgent.with(sharded) { agent in
                let scrape = try await agent.scrape(until: { sampledTargets($0.body) == expected })
                let ready = try await agent.get("/readyz")
                #expect(ready.body.contains(#""shard":"\#(index)/2""#), "\(ready.body)")
                return sampledTargets(scrape.body)
            }
            #expect(sampled == expected)
            shares.append(sampled)
        }
        #expect(shares[0].isDisjoint(with: shares[1]))
        #expect(shares[0].union(shares[1]) == Set(names))
        #expect(!shares[0].isEmpty && !shares[1].isEmpty)
    }
}
