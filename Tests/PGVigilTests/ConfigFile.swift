// Loads config text through the real loader, from a temporary file, as the agent reads one.

import Foundation

@testable import Config
@testable import PGVigil

/// The config loader run on YAML written to a temporary file (removed afterwards).
enum ConfigFile {
    /// The effective config of `yaml` with `overrides` and `environment`.
    static func load(
        _ yaml: String, overrides: ConfigOverrides = ConfigOverrides(), environment: [String: String] = [:]
    ) throws(ConfigError) -> AgentConfig {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-\(UUID().uuidString).yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(yaml.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        var withFile = overrides
        withFile.configFile = path
        return try AgentSetup.load(overrides: withFile, environment: environment).config
    }

    /// The error loading `yaml`, nil if it loads.
    static func loadError(_ yaml: String) -> ConfigError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error
        }
    }
}
