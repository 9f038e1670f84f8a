// What the command line and the environment say, layered over the config file.

/// Values from flags and from the environment that override the config file.
public struct ConfigOverrides: Sendable {
    /// `--config`, else `PGVIGIL_CONFIG`.
    public var configFile: String?
    /// `--dsn` (repeatable); when given, these are the targets.
    public var dsns: [String]
    /// `--listen`.
    public var listen: String?
    /// `--interval`, as written.
    public var interval: String?

    /// Creates overrides.
    public init(configFile: String? = nil, dsns: [String] = [], listen: String? = nil, interval: String? = nil) {
        self.configFile = configFile
        self.dsns = dsns
        self.listen = listen
        self.interval = interval
    }
}
