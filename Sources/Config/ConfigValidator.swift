// Checks a decoded config for values that parse but make no sense, naming the field at fault.
import Postgres
import Support

/// A problem at a field path (e.g. `targets`, 0, `dsn`), which the loader turns into a
/// `ConfigError` with the file's line and column.
package struct ConfigProblem: Error {
    package var path: [any CodingKey]
    package var message: String
    /// True when `path` is in the web config file, not the config file.
    package var inWebConfig: Bool

    /// Creates a problem from its parts.
    package init(path: [any CodingKey], message: String, inWebConfig: Bool = false) {
        self.path = path
        self.message = message
        self.inWebConfig = inWebConfig
    }
}

/// Validates what an `AgentConfig` says on its own (addresses, ranges, targets); each problem
/// names its field path so the loader can add the line. What only a layer above knows (collector
/// names, rules, receivers, credentials) is checked there, when its plan is built from the config.
package enum ConfigValidator {
    /// Throws the first problem found in `config`.
    package static func validate(_ config: AgentConfig) throws(ConfigProblem) {
        typealias Key = AgentConfig.CodingKeys
        if ListenAddress(config.listen) == nil {
            throw ConfigProblem(path: [Key.listen], message: ListenAddress.malformed(config.listen))
        }
        try ConfigRanges.check(config)
        if config.targets.isEmpty && config.fileSD.isEmpty {
            throw ConfigProblem(path: [Key.targets], message: "no targets: give --dsn, PGVIGIL_DSN, a targets list or file_sd in the config file")
        }
        for (index, entry) in config.fileSD.enumerated() {
            typealias Entry = FileSDConfig.CodingKeys
            let path: [any CodingKey] = [Key.fileSD, AnyCodingKey(index: index)]
            if entry.files.isEmpty { throw ConfigProblem(path: path + [Entry.files], message: "names no file") }
            if !entry.dsnTemplate.contains("{{host}}") && !entry.dsnTemplate.contains("{{address}}") {
                throw ConfigProblem(
                    path: path + [Entry.dsnTemplate], message: "uses neither {{host}} nor {{address}}: every target would be the same server")
            }
            try ConfigRanges.check(entry.refreshInterval, in: ConfigRanges.fileSDRefresh, at: path + [Entry.refreshInterval])
            do {
                _ = try ConnectionString(FileSDReader.dsn(entry.dsnTemplate, host: "db.example", port: 5432))
            } catch {
                throw ConfigProblem(path: path + [Entry.dsnTemplate], message: error.reason)
            }
        }
        var names: Set<String> = []
        for (index, target) in config.targets.enumerated() {
            try validate(target, at: [Key.targets, AnyCodingKey(index: index)], names: &names)
        }
        if let sharding = config.sharding {
            typealias Shard = ShardingConfig.CodingKeys
            try ConfigRanges.check(sharding.total, in: 1...ShardingConfig.maximumTotal, at: [Key.sharding, Shard.total])
            guard (0..<sharding.total).contains(sharding.index) else {
                throw ConfigProblem(
                    path: [Key.sharding, Shard.index], message: "\(sharding.index) is out of range: must be from 0 to \(sharding.total - 1)")
            }
        }
    }

    private static func validate(_ target: TargetConfig, at path: [any CodingKey], names: inout Set<String>) throws(ConfigProblem) {
        typealias Key = TargetConfig.CodingKeys
        do {
            _ = try ConnectionString(target.dsn)
        } catch {
            throw ConfigProblem(path: path + [Key.dsn], message: error.reason)
        }
        guard let name = target.name, !name.isEmpty else {
            throw ConfigProblem(path: path + [Key.name], message: "must not be empty")
        }
        guard names.insert(name).inserted else {
            throw ConfigProblem(path: path + [Key.name], message: "another target is already named \"\(name)\"; give each target its own name")
        }
        for labelName in target.labels.keys.sorted() {
            if !isValidLabelName(labelName) {
                throw ConfigProblem(
                    path: path + [Key.labels], message: "\"\(labelName)\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")
            }
        }
        if target.type == .pgbouncer, target.excludeDatabases != nil || target.databases != .auto {
            throw ConfigProblem(
                path: path + [Key.databases], message: "a pgbouncer target has no databases to visit; remove databases and exclude_databases")
        }
        if let exclude = target.excludeDatabases {
            if case .list = target.databases {
                throw ConfigProblem(
                    path: path + [Key.excludeDatabases], message: "only applies to databases: auto; leave the name out of the list instead")
            }
            do {
                _ = try LinearRegex(exclude)
            } catch {
                throw ConfigProblem(path: path + [Key.excludeDatabases], message: "\"\(exclude)\" is not a regular expression: \(error)")
            }
        }
        if case .list(let databases) = target.databases, databases.isEmpty {
            throw ConfigProblem(path: path + [Key.databases], message: "an empty list visits no database; write auto or name at least one")
        }
    }

    /// Whether `name` is a valid Prometheus label name that is not reserved (`__` prefix).
    package static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !name.hasPrefix("__") else { return false }
        let isLetter = { (byte: UInt8) in (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95 }
        return isLetter(first) && name.utf8.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }
}
