// Settings drift judged among the members of a cluster.

import Testing

@testable import Collectors
@testable import Exposition
@testable import Postgres
@testable import Store

@Suite struct ClusterSettingsBoardTests {
    @Test func aSettingDiffersOnlyAmongMembersOfTheSameClusterThatHaveIt() {
        let board = ClusterSettingsBoard()
        board.update(target: "primary", cluster: "a", settings: ["work_mem": "4096", "max_connections": "100", "new_in_18": "on"])
        board.update(target: "replica", cluster: "a", settings: ["work_mem": "8192", "max_connections": "100"])
        board.update(target: "other", cluster: "b", settings: ["work_mem": "65536", "max_connections": "50"])
        let expected = [
            SettingDrift(
                name: "work_mem",
                values: [SettingDrift.Value(target: "replica", value: "8192"), SettingDrift.Value(target: "primary", value: "4096")])
        ]
        #expect(board.drift(of: "replica") == expected)
        #expect(board.drift(of: "primary").map(\.name) == ["work_mem"])
        #expect(board.drift(of: "other").isEmpty)
        #expect(board.drift(of: "unknown").isEmpty)
        // A member removed takes its values with it.
        board.clear(target: "replica")
        #expect(board.drift(of: "primary").isEmpty)
    }

    @Test func eachDriftingSettingIsOneSampleLabelledByName() {
        let family = SettingsCollector.driftFamily([
            SettingDrift(name: "work_mem", values: []), SettingDrift(name: "max_connections", values: []),
        ])
        #expect(family.name == "pg_settings_drift" && family.type == .gauge)
        #expect(
            family.samples == [Sample(labels: [Label("name", "work_mem")], value: 1), Sample(labels: [Label("name", "max_connections")], value: 1)])
    }
}
