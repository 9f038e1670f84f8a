// Checks a decoded config for values that parse but make no sense, naming the field at fault.

/// Validates an `AgentConfig`; each problem names its field path so the loader can add the line.
enum ConfigValidator {
    /// A problem at a field path (e.g. `targets`, 0, `dsn`).
    struct Problem: Error {
        var path: [any CodingKey]
        var message: String
    }

    /// Throws the first problem found in `config`; `environment` fills `${VAR}` in receivers and `auth`.
    static func validate(_ config: AgentConfig, environment: [String: String]) throws(Problem) {
        typealias Key = AgentConfig.CodingKeys
        if ListenAddress(config.listen) == nil {
            throw Problem(path: [Key.listen], message: "\"\(config.listen)\" is not HOST:PORT, [IPV6]:PORT or :PORT")
        }
        try ConfigRanges.check(config)
        if config.targets.isEmpty {
            throw Problem(path: [Key.targets], message: "no targets: give --dsn, PGVIGIL_DSN or a targets list in the config file")
        }
        var names: Set<String> = []
        for (index, target) in config.targets.enumerated() {
            try validate(target, at: [Key.targets, AnyCodingKey(index: index)], names: &names)
        }
        for (name, options) in config.collectors.sorted(by: { $0.key < $1.key }) {
            try validate(options, named: name, at: [Key.collectors, AnyCodingKey(stringValue: name)])
        }
        _ = try AlertingPlan.make(from: config, environment: environment)
        _ = try HTTPAuthenticator.resolve(config.auth, environment: environment)
    }

    private static func validate(_ target: TargetConfig, at path: [any CodingKey], names: inout Set<String>) throws(Problem) {
        typealias Key = TargetConfig.CodingKeys
        do {
            _ = try ConnectionString(target.dsn)
        } catch {
            throw Problem(path: path + [Key.dsn], message: error.reason)
        }
        guard let name = target.name, !name.isEmpty else {
            throw Problem(path: path + [Key.name], message: "must not be empty")
        }
        guard names.insert(name).inserted else {
            throw Problem(path: path + [Key.name], message: "another target is already named \"\(name)\"; give each target its own name")
        }
        for labelName in target.labels.keys.sorted() {
            if !isValidLabelName(labelName) {
                throw Problem(path: path + [Key.labels], message: "\"\(labelName)\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not starting with __)")
            }
            if CollectorRegistry.reservedLabelNames.contains(labelName) {
                throw Problem(path: path + [Key.labels], message: "\"\(labelName)\" is set by pgvigil itself; choose another label name")
            }
        }
        if target.type == .pgbouncer, target.excludeDatabases != nil || target.databases != .auto {
            throw Problem(path: path + [Key.databases], message: "a pgbouncer target has no databases to visit; remove databases and exclude_databases")
        }
        if let exclude = target.excludeDatabases {
            if case .list = target.databases {
                throw Problem(path: path + [Key.excludeDatabases], message: "only applies to databases: auto; leave the name out of the list instead")
            }
            do {
                _ = try LinearRegex(exclude)
            } catch {
                throw Problem(path: path + [Key.excludeDatabases], message: "\"\(exclude)\" is not a regular expression: \(error)")
            }
        }
        if case .list(let databases) = target.databases, databases.isEmpty {
            throw Problem(path: path + [Key.databases], message: "an empty list visits no database; write auto or name at least one")
        }
    }

    private static func validate(_ options: CollectorOptions, named name: String, at path: [any CodingKey]) throws(Problem) {
        typealias Key = CollectorOptions.CodingKeys
        guard let entry = CollectorRegistry.entries.first(where: { $0.name == name }) else {
            let known = CollectorRegistry.entries.map(\.name).joined(separator: ", ")
            throw Problem(path: path, message: "there is no collector \"\(name)\"; collectors are: \(known)")
        }
        if options.limit != nil, !entry.extraOptions.contains(.limit) {
            throw Problem(path: path + [Key.limit], message: "collector \(name) has no limit option")
        }
        if options.window != nil, !entry.extraOptions.contains(.window) {
            throw Problem(path: path + [Key.window], message: "collector \(name) has no window option")
        }
    }

    /// Whether `name` is a valid Prometheus label name that is not reserved (`__` prefix).
    static func isValidLabelName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !name.hasPrefix("__") else { return false }
        let isLetter = { (byte: UInt8) in (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95 }
        return isLetter(first) && name.utf8.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) }
    }
}
