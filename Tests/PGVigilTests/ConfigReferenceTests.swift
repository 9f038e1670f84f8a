// Keeps README.md's configuration reference true to the config types and the collector registry.

import Foundation
import Testing

@testable import Collectors
@testable import Config
@testable import PGVigil

@Suite struct ConfigReferenceTests {
    /// README.md's rows, each as its first cell (the field or collector, in backticks).
    static let readmeRows: [String: String] = {
        let readme = URL(fileURLWithPath: ExampleConfigTests.examplePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md")
        let text = (try? String(contentsOf: readme, encoding: .utf8)) ?? ""
        var rows: [String: String] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.count > 2 { rows[cells[1], default: String(line)] = String(line) }
        }
        return rows
    }()

    /// Every field path of the config file, from the types' own CodingKeys.
    static var fieldPaths: [String] {
        let top = AgentConfig.CodingKeys.allCases.map(\.stringValue).filter {
            !["targets", "collectors", "alerts", "auth", "http", "remote_write", "sharding", "file_sd"].contains($0)
        }
        let targets = TargetConfig.CodingKeys.allCases.map { "targets[].\($0.stringValue)" }
        let collectors = CollectorOptions.CodingKeys.allCases.map { "collectors.NAME.\($0.stringValue)" }
        let alerts = AlertsConfig.CodingKeys.allCases.map(\.stringValue).filter { !["rules", "receivers"].contains($0) }.map { "alerts.\($0)" }
        let rules = AlertRuleConfig.CodingKeys.allCases.map { "alerts.rules[].\($0.stringValue)" }
        let receivers = ReceiverConfig.CodingKeys.allCases.map { "alerts.receivers[].\($0.stringValue)" }
        let auth = HTTPAuthConfig.CodingKeys.allCases.map { "auth.\($0.stringValue)" }
        let http = HTTPServerConfig.CodingKeys.allCases.map { "http.\($0.stringValue)" }
        let remoteWrite =
            RemoteWriteConfig.CodingKeys.allCases.filter { ![.basicAuth, .tlsConfig, .queueConfig].contains($0) }.map {
                "remote_write[].\($0.stringValue)"
            }
            + RemoteWriteBasicAuth.CodingKeys.allCases.map { "remote_write[].basic_auth.\($0.stringValue)" }
            + RemoteWriteTLSConfig.CodingKeys.allCases.map { "remote_write[].tls_config.\($0.stringValue)" }
            + RemoteWriteQueueConfig.CodingKeys.allCases.map { "remote_write[].queue_config.\($0.stringValue)" }
        let sharding = ShardingConfig.CodingKeys.allCases.map { "sharding.\($0.stringValue)" }
        let fileSD = FileSDConfig.CodingKeys.allCases.map { "file_sd[].\($0.stringValue)" }
        return top + targets + collectors + alerts + rules + receivers + auth + http + remoteWrite + sharding + fileSD
    }

    /// Every field of the web config file (README's "Securing the endpoint" table).
    static var webFieldPaths: [String] {
        WebConfig.CodingKeys.allCases.filter { ![.httpServerConfig, .tlsServerConfig, .rateLimit].contains($0) }.map(\.stringValue)
            + WebRateLimit.CodingKeys.allCases.map { "rate_limit.\($0.stringValue)" }
            + WebHTTPConfig.CodingKeys.allCases.map { "http_server_config.\($0.stringValue)" }
            + WebTLSConfig.CodingKeys.allCases.map { "tls_server_config.\($0.stringValue)" }
    }

    @Test func everyConfigFieldHasAReferenceRow() {
        let missing = (Self.fieldPaths + Self.webFieldPaths).filter { Self.readmeRows["`\($0)`"] == nil }
        #expect(missing.isEmpty, "README.md's configuration reference lacks: \(missing)")
        #expect(Self.fieldPaths.count > 25)
    }

    @Test func everyCollectorIsListedWithItsIntervalOptionsAndKind() {
        for entry in CollectorRegistry.entries {
            let collector = entry.make(CollectorOptions(), .unitTest)
            let interval = collector.defaultInterval.map { ConfigDuration($0).description } ?? "interval"
            let options = entry.extraOptions.map(\.stringValue).sorted().map { "`\($0)`" }.joined(separator: ", ")
            let expected = "| `\(entry.name)` | `\(interval)` | \(options) | \(entry.kind.rawValue) | \(entry.enabledByDefault ? "yes" : "no") |"
            #expect(Self.readmeRows["`\(entry.name)`"] == expected)
        }
    }
}
