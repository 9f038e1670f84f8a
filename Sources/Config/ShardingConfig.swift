// `sharding:`: which part of the target list this agent samples, by rendezvous hashing of the names.

/// One agent's share of a target list split over `total` agents: the targets whose name hashes
/// to `index` (0-based). N agents with the same list and `index` 0…N−1 sample every target
/// exactly once; going from N to N+1 agents moves about 1/(N+1) of the targets, all to the new one.
package struct ShardingConfig: Sendable, Hashable, Codable {
    /// How many agents share the list.
    package var total: Int
    /// This agent's share, from 0 to `total` − 1.
    package var index: Int

    /// The largest `total`.
    package static let maximumTotal = 1024

    /// Creates a value from its parts.
    package init(total: Int, index: Int) {
        self.total = total
        self.index = index
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        total = try container.decode(Int.self, forKey: .total)
        index = try container.decode(Int.self, forKey: .index)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case total, index
    }

    /// `I/N`, as `--shard` takes it.
    package var description: String { "\(index)/\(total)" }

    /// The shard of `--shard I/N`; nil when the text is not two numbers around a slash.
    package init?(flag: String) {
        let parts = flag.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let total = Int(parts[1]) else { return nil }
        self.init(total: total, index: index)
    }

    /// Whether this share holds the target named `name`.
    package func owns(_ name: String) -> Bool {
        Self.owner(of: name, total: total) == index
    }

    /// The share that holds `name` among `total`: rendezvous (highest random weight) hashing, each
    /// share's weight for a name being SplitMix64's finaliser of (FNV-1a 64 of the name's UTF-8) XOR
    /// ((share + 1) × 0x9E3779B97F4A7C15); the highest weight wins, the lower share on a tie.
    /// This exact function is the contract between agents of different versions: changing it
    /// would move targets between running agents.
    package static func owner(of name: String, total: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        var best = 0
        var bestWeight: UInt64 = 0
        for share in 0..<max(1, total) {
            var weight = hash ^ (UInt64(share + 1) &* 0x9e37_79b9_7f4a_7c15)
            weight = (weight ^ (weight >> 30)) &* 0xbf58_476d_1ce4_e5b9
            weight = (weight ^ (weight >> 27)) &* 0x94d0_49bb_1331_11eb
            weight ^= weight >> 31
            if share == 0 || weight > bestWeight {
                best = share
                bestWeight = weight
            }
        }
        return best
    }
}
