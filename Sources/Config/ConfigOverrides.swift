// What the command line and the environment say, layered over the config file.

/// Values from flags and from the environment that override the config file.
package struct ConfigOverrides: Sendable {
    /// `--config`, else `PGVIGIL_CONFIG`.
    package var configFile: String?
    /// `--dsn` (repeatable); when given, these are the targets.
    package var dsns: [String]
    /// `--listen`.
    package var listen: String?
    /// `--interval`, as written.
    package var interval: String?
    /// `--web.config.file`.
    package var webConfigFile: String?
    /// `--shard I/N`, as written.
    package var shard: String?

    /// Creates overrides.
    package init(
        configFile: String? = nil, dsns: [String] = [], listen: String? = nil, interval: String? = nil, webConfigFile: String? = nil,
        shard: String? = nil
    ) {
        self.configFile = configFile
        self.dsns = dsns
        self.listen = listen
        self.interval = interval
        self.webConfigFile = webConfigFile
        self.shard = shard
    }
}
