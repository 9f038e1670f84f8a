// The options every sampling subcommand shares: config file, DSNs, logging.
import ArgumentParser
import Config
import Logging
import PGVigil
import Support

/// `--config`, `--dsn`, `--web.config.file` and `--shard`, shared by run, once and check-config.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The YAML config file (also PGVIGIL_CONFIG).")
    var config: String?

    @Option(name: .long, help: "A libpq connection string or URI; repeat for several targets (also PGVIGIL_DSN).")
    var dsn: [String] = []

    @Option(name: .customLong("web.config.file"), help: "exporter-toolkit's web config: basic-auth users (bcrypt), headers (also web_config_file:).")
    var webConfigFile: String?

    @Option(name: .long, help: "INDEX/TOTAL: sample only this agent's share of the targets, e.g. 0/4 (also sharding:).")
    var shard: String?

    /// These options as config overrides, with `listen` and `interval` when the command has them.
    func overrides(listen: String? = nil, interval: String? = nil) -> ConfigOverrides {
        ConfigOverrides(configFile: config, dsns: dsn, listen: listen, interval: interval, webConfigFile: webConfigFile, shard: shard)
    }
}

/// `--log-format` and `--log-level`.
struct LoggingOptions: ParsableArguments {
    @Option(name: .long, help: "logfmt or json.")
    var logFormat: LogFormatArgument = .logfmt

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelArgument = .info

    /// Bootstraps swift-log and returns the root logger.
    func makeLogger() -> Logger {
        let format = logFormat.format
        let level = logLevel.level
        LoggingSystem.bootstrap { _ in StderrLogHandler(format: format, level: level) }
        return Logger(label: "pgvigil")
    }
}

/// A `--log-format` value.
struct LogFormatArgument: ExpressibleByArgument {
    var format: LogFormat
    init?(argument: String) {
        guard let format = LogFormat(rawValue: argument) else { return nil }
        self.format = format
    }
    static let logfmt = LogFormatArgument(argument: "logfmt") ?? LogFormatArgument(format: .logfmt)
    private init(format: LogFormat) { self.format = format }
    var defaultValueDescription: String { format.rawValue }
}

/// A `--log-level` value.
struct LogLevelArgument: ExpressibleByArgument {
    var level: Logger.Level
    init?(argument: String) {
        guard let level = Logger.Level(rawValue: argument) else { return nil }
        self.level = level
    }
    static let info = LogLevelArgument(level: .info)
    private init(level: Logger.Level) { self.level = level }
    var defaultValueDescription: String { level.rawValue }
}
