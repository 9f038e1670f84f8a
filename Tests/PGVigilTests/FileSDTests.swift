// file_sd: target groups read from JSON and YAML files, changes picked up, a broken file's last
// good targets kept, and the config's checks.

import Foundation
import Logging
import Testing

@testable import Config
@testable import PGVigil

@Suite struct FileSDTests {
    private let template = "host={{host}} port={{port}} user=pgvigil dbname=postgres"

    /// A new directory for target files.
    private func directory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-sd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func addressesAreHostAndPort() {
        #expect(FileSDReader.hostAndPort("db1.example:6432")! == ("db1.example", 6432))
        #expect(FileSDReader.hostAndPort("10.0.0.7")! == ("10.0.0.7", 5432))
        #expect(FileSDReader.hostAndPort("[fd00::1]:5433")! == ("fd00::1", 5433))
        for bad in ["", "db:0", "db:70000", "db:x", "db 1:5432", "[fd00::1", "host=evil:5432", "[::1]x"] {
            #expect(FileSDReader.hostAndPort(bad) == nil, "\(bad)")
        }
        #expect(FileSDReader.dsn(template, host: "db1", port: 6432) == "host=db1 port=6432 user=pgvigil dbname=postgres")
    }

    @Test func filesAreReadWhenTheyChangeAndABrokenOneKeepsItsTargets() throws {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let json = directory + "/a.json"
        let yaml = directory + "/b.yml"
        try #"[{"targets": ["db1:5432", "db2"], "labels": {"env": "prod", "__meta_x": "dropped"}}]"#.write(
            toFile: json, atomically: true, encoding: .utf8)
        try "- targets: ['[fd00::1]:5433']\n".write(toFile: yaml, atomically: true, encoding: .utf8)
        let discovery = FileDiscovery(
            entries: [FileSDConfig(files: [directory + "/*.json", directory + "/*.yml"], dsnTemplate: template)], logger: Logger(label: "test"))

        let first = try #require(discovery.refresh(now: 0))
        #expect(first.map(\.name) == ["db1:5432", "db2:5432", "[fd00::1]:5433"])
        #expect(first[0].labels == ["env": "prod"])
        #expect(first[2].dsn == "host=fd00::1 port=5433 user=pgvigil dbname=postgres")
        #expect(discovery.refresh(now: 1) == nil)  // nothing changed

        try #"[{"targets": ["db1:5432", "db2", "db3:5432"]}]"#.write(toFile: json, atomically: true, encoding: .utf8)
        #expect(discovery.refresh(now: 2)?.map(\.name) == ["db1:5432", "db2:5432", "db3:5432", "[fd00::1]:5433"])

        // Broken, then empty (truncated mid-write), then with a label pgvigil sets itself: its last
        // good targets stay, each error counted once, until the file changes.
        try "[{targets: [".write(toFile: json, atomically: true, encoding: .utf8)
        #expect(discovery.refresh(now: 3) == nil)
        #expect(discovery.refresh(now: 4) == nil)
        try "\n".write(toFile: json, atomically: true, encoding: .utf8)
        #expect(discovery.refresh(now: 4) == nil)
        try #"[{"targets": ["db9"], "labels": {"datname": "x"}}]"#.write(toFile: json, atomically: true, encoding: .utf8)
        #expect(discovery.refresh(now: 4) == nil)
        #expect(discovery.families.last?.samples.first?.value == 3)

        // Removed: its targets go.
        try FileManager.default.removeItem(atPath: json)
        #expect(discovery.refresh(now: 5)?.map(\.name) == ["[fd00::1]:5433"])
        #expect(discovery.families.first?.samples.first?.value == 1)
    }

    @Test func aBrokenFileIsLocatedByLineAndField() throws {
        let directory = try directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/t.yml"
        try "- targets: [db1]\n- targets: [db2, 'db 3']\n".write(toFile: file, atomically: true, encoding: .utf8)
        guard case .failure(let error) = FileSDReader.targets(in: file, entry: FileSDConfig(files: [file], dsnTemplate: template)) else {
            Issue.record("a bad address was taken")
            return
        }
        #expect(error.description == "\(file): [1].targets[1]: \"db 3\" is not host:port (a name or address, [IPv6]:port, port 1 to 65535)")
        try "- targets: [db1]\n  lables: {}\n".write(toFile: file, atomically: true, encoding: .utf8)
        guard case .failure(let unknown) = FileSDReader.targets(in: file, entry: FileSDConfig(files: [file], dsnTemplate: template)) else {
            Issue.record("an unknown field was taken")
            return
        }
        #expect(unknown.description.hasPrefix("\(file):2:3: [0].lables: unknown field"))
    }

    @Test func discoveredTargetsJoinTheConfigsOwnWithinTheShard() {
        var config = AgentConfig()
        config.targets = [TargetConfig(name: "db1:5432", dsn: "host=db1")]
        let discovered = (1...20).map { TargetConfig(name: "db\($0):5432", dsn: "host=db\($0)") }
        #expect(config.with(discovered: discovered).targets.map(\.name) == (1...20).map { "db\($0):5432" })
        #expect(config.with(discovered: discovered).targets[0].dsn == "host=db1")  // the config's own wins
        config.sharding = ShardingConfig(total: 2, index: 0)
        let kept = config.with(discovered: discovered).targets.dropFirst().map { $0.name ?? "" }
        #expect(kept == discovered.map { $0.name ?? "" }.filter { ShardingConfig(total: 2, index: 0).owns($0) && $0 != "db1:5432" })
    }

    @Test func theEntryIsChecked() {
        let base = "file_sd:\n  - files: [/etc/pgvigil/targets/*.json]\n"
        #expect(ConfigFile.loadError(base + "    dsn_template: \"host={{host}} port={{port}}\"\n") == nil)  // file_sd alone is a target list
        #expect(
            ConfigFile.loadError(base + "    dsn_template: \"host=db port=5432\"\n")?.description.hasSuffix(
                "file_sd[0].dsn_template: uses neither {{host}} nor {{address}}: every target would be the same server") == true)
        #expect(
            ConfigFile.loadError(base + "    dsn_template: \"host={{host}}\"\n    refresh_interval: 100ms\n")?.description.hasSuffix(
                "file_sd[0].refresh_interval: 100ms is out of range: must be from 1s to 1d") == true)
    }
}
