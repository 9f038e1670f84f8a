// The settings each target last reported, by cluster: where a primary and its standbys differ.
import NIOConcurrencyHelpers

/// Holds, per target, the `cluster` label and the settings its settings collector last read, so
/// each target can tell which settings differ on another target of its cluster (a standby with a
/// smaller `max_connections` than its primary refuses to start after a failover; a `work_mem`
/// changed on one node only makes plans differ). A target whose collector fails keeps its last
/// settings (they rarely change); a removed target is cleared.
package final class ClusterSettingsBoard: Sendable {
    /// One target's cluster and settings (name → `reset_val`).
    private struct Entry {
        var cluster: String
        var settings: [String: String]
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    /// Creates an empty board.
    package init() {}

    /// Replaces `target`'s settings.
    package func update(target: String, cluster: String, settings: [String: String]) {
        entries.withLockedValue { $0[target] = Entry(cluster: cluster, settings: settings) }
    }

    /// Forgets `target` (it was removed from the config).
    package func clear(target: String) {
        entries.withLockedValue { $0[target] = nil }
    }

    /// The settings of `target` whose value differs on another target of its cluster, by name,
    /// each with every cluster member's value (`target`'s first, then by target name). A setting
    /// only some members have (versions differ) is left out.
    package func drift(of target: String) -> [SettingDrift] {
        entries.withLockedValue { entries in
            guard let own = entries[target] else { return [] }
            let peers = entries.filter { $0.key != target && $0.value.cluster == own.cluster }.sorted { $0.key < $1.key }
            return own.settings.keys.sorted().compactMap { name in
                let value = own.settings[name] ?? ""
                let others = peers.compactMap { peer in peer.value.settings[name].map { SettingDrift.Value(target: peer.key, value: $0) } }
                guard others.contains(where: { $0.value != value }) else { return nil }
                return SettingDrift(name: name, values: [SettingDrift.Value(target: target, value: value)] + others)
            }
        }
    }
}

/// A setting whose value differs between members of a cluster.
package struct SettingDrift: Sendable, Hashable {
    /// One member's value.
    package struct Value: Sendable, Hashable {
        package var target: String
        package var value: String
    }

    package var name: String
    package var values: [Value]
}

/// What collectors leave beside their families for other readers: statement texts for
/// `/api/v1/statements` and settings for drift between a cluster's members.
package struct CollectorSideResults: Sendable {
    package let statementTexts = StatementTextCatalog()
    package let clusterSettings = ClusterSettingsBoard()

    /// Empty catalogs.
    package init() {}

    /// Forgets what `target` left (it was removed).
    package func clear(target: String) {
        statementTexts.clear(target: target)
        clusterSettings.clear(target: target)
    }
}
