// Builds the effective config: defaults, then the YAML file, then environment, then flags; validated.
import Foundation
import Postgres
import Yams

/// Loads and validates the configuration. Errors name the file, line, column and field.
package enum ConfigLoader {
    /// The effective configuration for `overrides` and `environment`, validated on its own and
    /// then by `check` (which builds what the layers above make of it); a problem either finds
    /// names the file, line and field.
    package static func load<Checked>(
        overrides: ConfigOverrides, environment: [String: String], check: (AgentConfig) throws(ConfigProblem) -> Checked
    ) throws(ConfigError) -> (config: AgentConfig, checked: Checked) {
        let file = overrides.configFile ?? environment["PGVIGIL_CONFIG"]
        var config = AgentConfig()
        var document: Node?
        if let file {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ConfigError(file: file, field: "", message: "cannot read the config file: \(Self.reason(of: error))")
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
        for index in config.targets.indices where config.targets[index].name == nil {
            if let parsed = try? ConnectionString(config.targets[index].dsn) {
                config.targets[index].name = parsed.defaultTargetName(environment: environment)
            }
        }
        do {
            try ConfigValidator.validate(config)
            return (config, try check(config))
        } catch {
            let mark = document.flatMap { locate(error.path, in: $0) }
            throw ConfigError(
                file: mark == nil ? nil : file, line: mark?.line, column: mark?.column,
                field: fieldName(error.path), message: error.message)
        }
    }

    /// Decodes `yaml` (from `file`, for messages) into a config and its node tree, unvalidated.
    package static func parse(yaml: String, file: String) throws(ConfigError) -> (AgentConfig, Node?) {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ConfigError(file: file, field: "", message: "not valid YAML: \(error)")
        }
        guard let node else { return (AgentConfig(), nil) }
        do {
            return (try YAMLDecoder().decode(AgentConfig.self, from: node), node)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            let mark = locate(path, in: node)
            throw ConfigError(file: file, line: mark?.line, column: mark?.column, field: fieldName(path), message: message)
        } catch {
            throw ConfigError(file: file, field: "", message: "\(error)")
        }
    }

    /// The field path and a readable message of a decoding error.
    private static func describe(_ error: DecodingError) -> ([any CodingKey], String) {
        switch error {
        case .typeMismatch(let type, let context):
            return (context.codingPath, "expected \(readableTypeName(type))")
        case .valueNotFound(let type, let context):
            return (context.codingPath, "expected \(readableTypeName(type)), found nothing")
        case .keyNotFound(let key, let context):
            return (context.codingPath, "the required field \"\(key.stringValue)\" is missing")
        case .dataCorrupted(let context):
            return (context.codingPath, context.debugDescription)
        @unknown default:
            return ([], "\(error)")
        }
    }

    private static func readableTypeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is [String: String].Type: "a mapping of names to strings"
        default: "a value of type \(type)"
        }
    }

    private static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return ConfigError(file: file, line: mark.line, column: mark.column, field: "", message: "not valid YAML: \(problem)")
        default:
            return ConfigError(file: file, field: "", message: "not valid YAML: \(error)")
        }
    }

    /// The position of the node at `path` (or of its nearest existing ancestor).
    static func locate(_ path: [any CodingKey], in root: Node) -> Mark? {
        var node = root
        var mark = root.mark
        for key in path {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping, let entry = mapping.first(where: { $0.key.string == key.stringValue }) {
                // Point at the key itself: that is the line a person looks for.
                mark = entry.key.mark ?? mark
                node = entry.value
                continue
            } else {
                break
            }
            mark = node.mark ?? mark
        }
        return mark
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

    private static func reason(of error: any Error) -> String {
        (error as NSError).localizedDescription
    }
}
