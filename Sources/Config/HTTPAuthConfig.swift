// The optional credentials the HTTP server requires on every path but /healthz.

/// `auth:` in the config: a bearer token, a basic-auth user, or both (either is accepted).
/// Values may be `${VAR}` references, read from the environment at start.
package struct HTTPAuthConfig: Sendable, Hashable, Codable {
    /// A username and password for HTTP basic authentication.
    package struct BasicAuth: Sendable, Hashable, Codable {
        /// The user name clients send.
        package var username: String
        /// The password clients send (masked by `check-config`).
        package var password: String

        /// Creates the credentials.
        package init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        package init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            username = try container.decode(String.self, forKey: .username)
            password = try container.decode(String.self, forKey: .password)
        }

        /// The field names as written in YAML.
        package enum CodingKeys: String, CodingKey, CaseIterable {
            case username, password
        }
    }

    /// `Authorization: Bearer TOKEN`.
    package var bearerToken: String?
    /// `Authorization: Basic …`.
    package var basicAuth: BasicAuth?

    /// Creates the section; nil fields are not accepted credentials.
    package init(bearerToken: String? = nil, basicAuth: BasicAuth? = nil) {
        self.bearerToken = bearerToken
        self.basicAuth = basicAuth
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bearerToken = try container.decodeIfPresent(String.self, forKey: .bearerToken)
        basicAuth = try container.decodeIfPresent(BasicAuth.self, forKey: .basicAuth)
    }

    /// The field names as written in YAML.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case bearerToken = "bearer_token"
        case basicAuth = "basic_auth"
    }
}
