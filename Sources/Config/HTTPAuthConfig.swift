// The optional bearer token the HTTP server requires on every path but the open ones.

/// `auth:` in the config: a bearer token. Its value may be a `${VAR}` reference, read from the
/// environment at start. Basic-auth users live in the web config file (`web_config_file:`), as
/// bcrypt hashes, in exporter-toolkit's format.
package struct HTTPAuthConfig: Sendable, Hashable, Codable {
    /// `Authorization: Bearer TOKEN`.
    package var bearerToken: String?

    /// Creates the section.
    package init(bearerToken: String? = nil) {
        self.bearerToken = bearerToken
    }

    package init(from decoder: any Decoder) throws {
        let present = try decoder.container(keyedBy: AnyCodingKey.self)
        if present.contains(AnyCodingKey(stringValue: "basic_auth")) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: decoder.codingPath + [AnyCodingKey(stringValue: "basic_auth")],
                    debugDescription:
                        "basic-auth passwords are no longer kept in the config: list the users in a web config file as bcrypt hashes "
                        + "(basic_auth_users: { USER: HASH }, the hash from `htpasswd -nbB USER PASSWORD`) and name it with "
                        + "web_config_file: or --web.config.file"))
        }
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bearerToken = try container.decodeIfPresent(String.self, forKey: .bearerToken)
    }

    /// The field names as written in YAML.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case bearerToken = "bearer_token"
    }
}
