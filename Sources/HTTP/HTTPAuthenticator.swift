// Checks the Authorization header of a request against the configured credentials.
import Config
import FoundationEssentials
import NIOHTTP1
import Support

/// Accepts a request whose `Authorization` header carries the configured bearer token or basic
/// credentials (either, when both are set). Comparisons take the same time wherever the first
/// difference is, so response timing does not reveal a prefix of the secret.
package struct HTTPAuthenticator: Sendable {
    /// The accepted `Authorization` header values.
    private let accepted: [[UInt8]]
    /// The `WWW-Authenticate` challenge of a 401.
    let challenge: String

    /// An authenticator for the resolved credentials; nil when none are configured.
    package init?(bearerToken: String?, basicAuth: HTTPAuthConfig.BasicAuth?) {
        var accepted: [[UInt8]] = []
        if let bearerToken { accepted.append(Array("Bearer \(bearerToken)".utf8)) }
        if let basicAuth { accepted.append(Array("Basic \(Data("\(basicAuth.username):\(basicAuth.password)".utf8).base64EncodedString())".utf8)) }
        guard !accepted.isEmpty else { return nil }
        self.accepted = accepted
        challenge = basicAuth != nil ? #"Basic realm="pgvigil", charset="UTF-8""# : #"Bearer realm="pgvigil""#
    }

    /// The authenticator for `config`'s `auth:` with `${VAR}` references filled from
    /// `environment`; nil when no credentials are configured. Empty values are config errors.
    package static func resolve(_ config: HTTPAuthConfig?, environment: [String: String]) throws(ConfigProblem) -> HTTPAuthenticator? {
        guard let config else { return nil }
        typealias Key = HTTPAuthConfig.CodingKeys
        typealias BasicKey = HTTPAuthConfig.BasicAuth.CodingKeys
        let root = AgentConfig.CodingKeys.auth
        let token = try config.bearerToken.map { token throws(ConfigProblem) in
            try nonEmpty(EnvironmentReferences.expand(token, at: [root, Key.bearerToken], environment: environment), at: [root, Key.bearerToken])
        }
        let basic = try config.basicAuth.map { basic throws(ConfigProblem) in
            HTTPAuthConfig.BasicAuth(
                username: try nonEmpty(
                    EnvironmentReferences.expand(basic.username, at: [root, Key.basicAuth, BasicKey.username], environment: environment),
                    at: [root, Key.basicAuth, BasicKey.username]),
                password: try nonEmpty(
                    EnvironmentReferences.expand(basic.password, at: [root, Key.basicAuth, BasicKey.password], environment: environment),
                    at: [root, Key.basicAuth, BasicKey.password]))
        }
        guard let authenticator = HTTPAuthenticator(bearerToken: token, basicAuth: basic) else {
            throw ConfigProblem(path: [root], message: "give bearer_token, basic_auth or both (or leave auth out)")
        }
        return authenticator
    }

    private static func nonEmpty(_ value: String, at path: [any CodingKey]) throws(ConfigProblem) -> String {
        if value.isEmpty { throw ConfigProblem(path: path, message: "must not be empty") }
        return value
    }

    /// Whether `headers` carry accepted credentials.
    func permits(_ headers: HTTPHeaders) -> Bool {
        let presented = headers["Authorization"].map { Array($0.utf8) }
        return presented.contains { value in accepted.contains { Self.constantTimeEqual(value, $0) } }
    }

    /// Equality whose time depends only on the lengths.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
