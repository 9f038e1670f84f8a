// `file_sd:`: targets read from files in Prometheus's file_sd format, made DSNs by a template.

/// One `file_sd:` entry: files (globs) holding target groups as Prometheus's `file_sd_configs`
/// reads them (`[{targets: ["host:port", …], labels: {…}}]`, JSON or YAML), and the DSN each
/// target becomes.
package struct FileSDConfig: Sendable, Hashable, Codable {
    /// Paths, each may hold `*`, `?` and `[…]` in its last part, as Prometheus allows.
    package var files: [String]
    /// How often the files are read again even if they did not change (default 5m, as Prometheus).
    package var refreshInterval: ConfigDuration?
    /// The libpq connection string of each target: `{{host}}`, `{{port}}` and `{{address}}`
    /// (`host:port`) are replaced (a password comes from libpq's PGPASSWORD or ~/.pgpass).
    package var dsnTemplate: String

    /// Creates a value from its parts.
    package init(files: [String], refreshInterval: ConfigDuration? = nil, dsnTemplate: String) {
        self.files = files
        self.refreshInterval = refreshInterval
        self.dsnTemplate = dsnTemplate
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        files = try container.decode([String].self, forKey: .files)
        refreshInterval = try container.decodeIfPresent(ConfigDuration.self, forKey: .refreshInterval)
        dsnTemplate = try container.decode(String.self, forKey: .dsnTemplate)
    }

    /// The field names as written in YAML/JSON.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case files
        case refreshInterval = "refresh_interval"
        case dsnTemplate = "dsn_template"
    }
}

/// One group of a file_sd file.
struct FileSDGroup: Sendable, Decodable {
    var targets: [String]
    var labels: [String: String]?

    init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        targets = try container.decode([String].self, forKey: .targets)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case targets, labels
    }
}
