// Prints the effective configuration as YAML, with every password masked, for `check-config`.
import Yams

/// Renders an effective config for people to read; secrets never appear in it.
enum EffectiveConfigPrinter {
    /// `config` as YAML, DSN passwords replaced by `***`.
    static func yaml(_ config: AgentConfig) throws -> String {
        var masked = config
        for index in masked.targets.indices {
            masked.targets[index].dsn = ConnectionString.redact(masked.targets[index].dsn)
        }
        let encoder = YAMLEncoder()
        encoder.options.sortKeys = false
        return try encoder.encode(masked)
    }
}
