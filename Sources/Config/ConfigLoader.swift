// Builds the effective config: defaults, then the YAML file, then environment, then flags; validated.
import Postgres
import Support
import YAML

/// Loads and validates the configuration. Errors name the file, line, column and field.
package enum ConfigLoader {
    /// The effective configuration for `overrides` and `environment`, validated on its own and
    /// then by `check` (which builds what the layers above make of it, with the web config file
    /// it names, read and checked here); a problem either finds names the file, line and field.
    package static func load<Checked>(
        overrides: ConfigOverrides, environment: [String: String], check: (AgentConfig, WebConfig) throws(ConfigProblem) -> Checked
    ) throws(ConfigError) -> (config: AgentConfig, checked: Checked) {
        let file = overrides.configFile ?? environment["PGVIGIL_CONFIG"]
        var config = AgentConfig()
        var document: YAMLNode?
        if let file {
            let text: [UInt8]
            do {
                text = try WholeFile.read(file)
            } catch {
                throw ConfigError(file: file, field: "", message: "cannot read the config file: \(error.reason)")
            }
            (config, document) = try parse(yaml: text, file: file)
        }
        if let dsn = environment["PGVIGIL_DSN"], overrides.dsns.isEmpty, !dsn.isEmpty {
            config.targets = [TargetConfig(dsn: dsn)]
        }
        if let listen = environment["PGVIGIL_LISTEN"], !listen.isEmpty { config.listen = listen }
        if !overrides.dsns.isEmpty { config.targets = overrides.dsns.map { TargetConfig(dsn: $0) } }
        if let listen = overrides.listen {
            guard ListenAddress(listen) != nil else {
                throw ConfigError(field: "--listen", message: ListenAddress.malformed(listen))
            }
            config.listen = listen
        }
        if let interval = overrides.interval {
            guard let parsed = ConfigDuration(parsing: interval) else {
                throw ConfigError(field: "--interval", message: "\"\(interval)\" is not a duration such as 15s or 1m")
            }
            config.interval = parsed
        }
        if let webConfigFile = overrides.webConfigFile {
            config.webConfigFile = webConfigFile
        } else if let file, let webConfigFile = config.webConfigFile, !webConfigFile.hasPrefix("/"), let slash = file.lastIndex(of: "/") {
            // `web_config_file:` in the config file is relative to that file, as Prometheus's paths are.
            config.webConfigFile = String(file[...slash]) + webConfigFile
        }
        if config.webConfigFile?.isEmpty == true { config.webConfigFile = nil }
        if let shard = overrides.shard {
            guard let parsed = ShardingConfig(flag: shard) else {
                throw ConfigError(field: "--shard", message: "\"\(shard)\" is not INDEX/TOTAL (e.g. 0/4: the first of four agents)")
            }
            config.sharding = parsed
        }
        let (web, webDocument) =
            try config.webConfigFile.map { file throws(ConfigError) in try WebConfigLoader.loadDocument(file: file) } ?? (WebConfig(), nil)
        for index in config.targets.indices where config.targets[index].name == nil {
            if let parsed = try? ConnectionString(config.targets[index].dsn) {
                config.targets[index].name = parsed.defaultTargetName(environment: environment)
            }
        }
        do {
            try ConfigValidator.validate(config)
            return (config, try check(config, web))
        } catch {
            let (problemFile, problemDocument) = error.inWebConfig ? (config.webConfigFile, webDocument) : (file, document)
            let mark = problemDocument?.mark(at: error.path)
            throw ConfigError(
                file: mark == nil && !error.inWebConfig ? nil : problemFile, line: mark?.line, column: mark?.column,
                field: fieldName(error.path), message: error.message)
        }
    }

    /// Decodes `yaml` (the file's bytes; from `file`, for messages) into a config and its node
    /// tree, unvalidated.
    package static func parse(yaml: [UInt8], file: String) throws(ConfigError) -> (AgentConfig, YAMLNode?) {
        try decode(AgentConfig.self, yaml: yaml, file: file, empty: AgentConfig())
    }

    /// Decodes `yaml` (the bytes of `file`) as a `Document` and returns it with its node tree;
    /// a file with only comments, or only `---`, is `empty`. Errors name the file, line, column
    /// and field.
    package static func decode<Document: Decodable>(
        _ type: Document.Type, yaml: [UInt8], file: String, empty: Document
    ) throws(ConfigError) -> (Document, YAMLNode?) {
        let node: YAMLNode?
        do {
            node = try YAMLParser.parse(bytes: yaml)
        } catch {
            throw ConfigError(file: file, line: error.mark?.line, column: error.mark?.column, field: "", message: "not valid YAML: \(error.problem)")
        }
        guard let node, node.scalar?.isNull != true else { return (empty, nil) }
        do {
            return (try YAMLDecoder().decode(Document.self, from: node), node)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            let mark = node.mark(at: path)
            throw ConfigError(file: file, line: mark.line, column: mark.column, field: fieldName(path), message: message)
        } catch {
            throw ConfigError(file: file, field: "", message: "\(error)")
        }
    }

    /// The field path and a readable message of a decoding error (`YAMLDecoder` words its
    /// descriptions as messages: "expected an integer, found \"ten\"").
    private static func describe(_ error: DecodingError) -> ([any CodingKey], String) {
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return (context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            return (context.codingPath, "the required field \"\(key.stringValue)\" is missing")
        @unknown default:
            return ([], "\(error)")
        }
    }

    /// `targets[0].dsn` for the path targets, 0, dsn.
    static func fieldName(_ path: [any CodingKey]) -> String {
        var name = ""
        for key in path {
            if let index = key.intValue {
                name += "[\(index)]"
            } else {
                name += name.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return name
    }
}
