// One monitored PostgreSQL server as the config file describes it.
import Postgres

/// A target: a DSN, the name that becomes its `target` label, extra labels, databases to visit.
package struct TargetConfig: Sendable, Hashable, Codable {
    /// The `target` label value; defaults to the DSN's `host:port`.
    package var name: String?
    /// A libpq connection string or URI, passed to libpq unchanged.
    package var dsn: String
    /// Labels added to every series of this target.
    package var labels: [String: String]
    /// Which databases per-database collectors visit.
    package var databases: DatabaseSelection
    /// With `databases: auto`, a regular expression of database names to leave out.
    package var excludeDatabases: String?
    /// A PostgreSQL server or a PgBouncer.
    package var type: TargetKind = .postgresql

    /// Creates a target.
    package init(name: String? = nil, dsn: String, labels: [String: String] = [:], databases: DatabaseSelection = .auto) {
        self.name = name
        self.dsn = dsn
        self.labels = labels
        self.databases = databases
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        dsn = try container.decode(String.self, forKey: .dsn)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        databases = try container.decodeIfPresent(DatabaseSelection.self, forKey: .databases) ?? .auto
        excludeDatabases = try container.decodeIfPresent(String.self, forKey: .excludeDatabases)
        if let typeName = try container.decodeIfPresent(String.self, forKey: .type) {
            guard let kind = TargetKind(rawValue: typeName) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .type, in: container,
                    debugDescription: "unknown type \"\(typeName)\"; types are: \(TargetKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            type = kind
        }
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case name, dsn, labels, databases, type
        case excludeDatabases = "exclude_databases"
    }
}

extension DatabaseSelection: Codable {
    /// Decodes `auto` or a list of database names.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let names = try? container.decode([String].self) {
            self = .list(names)
            return
        }
        let word = try? container.decode(String.self)
        guard word == "auto" else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected \"auto\" or a list of database names")
        }
        self = .auto
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .auto: try container.encode("auto")
        case .list(let names): try container.encode(names)
        }
    }
}
