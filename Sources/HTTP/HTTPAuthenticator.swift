// Decides whether a request may be answered: an open path, the bearer token, or a basic-auth user.
import Config
import FoundationEssentials
import NIOConcurrencyHelpers
import NIOHTTP1
import Support

/// Accepts a request for an open path (`/healthz` unless the web config's `auth_excluded_paths`
/// says otherwise), or one whose `Authorization` header carries the bearer token of `auth:` or a
/// user of the web config's `basic_auth_users` with a password matching the user's bcrypt hash.
/// The token is compared in time that does not depend on where a guess differs. A password is
/// checked by `PasswordCheck` off the event loop; a user that does not exist is checked against a
/// decoy hash of the same cost, so the answer's timing does not tell which users exist. Headers
/// that passed are remembered (at most `rememberedLimit`), so a scraper pays for bcrypt once.
package final class HTTPAuthenticator: Sendable {
    /// What a request's credentials need before it may be answered.
    package enum Verdict: Sendable {
        /// Answer it.
        case permitted
        /// Answer 401.
        case refused
        /// Run the check (it blocks for bcrypt's time) and answer by its result.
        case check(PasswordCheck)
    }

    /// `Bearer TOKEN` as sent, when a token is configured.
    private let bearer: [UInt8]?
    /// User name → bcrypt hash.
    private let users: [String: String]
    /// A hash of the highest configured cost that no password matches.
    private let decoyHash: String
    /// Paths answered without credentials.
    package let openPaths: Set<String>
    /// `Authorization` values whose check passed.
    private let remembered = NIOLockedValueBox<Set<String>>([])
    /// How many passed headers are remembered before the set starts over.
    static let rememberedLimit = 1024
    /// The `WWW-Authenticate` challenge of a 401.
    package let challenge: String

    /// An authenticator for a resolved token and the web config's users (whose hashes
    /// `WebConfigLoader` checked); nil when neither is configured.
    package init?(bearerToken: String?, users: [String: String], openPaths: [String]? = nil) {
        guard bearerToken != nil || !users.isEmpty else { return nil }
        bearer = bearerToken.map { Array("Bearer \($0)".utf8) }
        self.users = users
        let cost = users.values.compactMap(BcryptHashFormat.cost).max() ?? 10
        decoyHash = "$2y$" + (cost < 10 ? "0\(cost)" : "\(cost)") + "$" + String(repeating: ".", count: 53)
        self.openPaths = Set(openPaths ?? ["/healthz"])
        challenge = users.isEmpty ? #"Bearer realm="pgvigil""# : #"Basic realm="pgvigil", charset="UTF-8""#
    }

    /// The authenticator for `config`'s `auth:` (with `${VAR}` filled from `environment`) and the
    /// web config; nil when no credentials are configured. An empty token is a config error.
    package static func resolve(_ config: HTTPAuthConfig?, web: WebConfig, environment: [String: String]) throws(ConfigProblem) -> HTTPAuthenticator?
    {
        let path: [any CodingKey] = [AgentConfig.CodingKeys.auth, HTTPAuthConfig.CodingKeys.bearerToken]
        let token = try config?.bearerToken.map { token throws(ConfigProblem) in
            let value = try EnvironmentReferences.expand(token, at: path, environment: environment)
            if value.isEmpty { throw ConfigProblem(path: path, message: "must not be empty") }
            return value
        }
        if config != nil, token == nil {
            throw ConfigProblem(path: [AgentConfig.CodingKeys.auth], message: "give bearer_token (or leave auth out)")
        }
        return HTTPAuthenticator(bearerToken: token, users: web.basicAuthUsers, openPaths: web.authExcludedPaths)
    }

    /// What the request for `path` with `headers` needs.
    package func verdict(path: String, headers: HTTPHeaders) -> Verdict {
        if openPaths.contains(path) { return .permitted }
        guard let presented = headers["Authorization"].first else { return .refused }
        if let bearer, Self.constantTimeEqual(Array(presented.utf8), bearer) { return .permitted }
        guard !users.isEmpty, let (user, password) = Self.basicCredentials(presented) else { return .refused }
        if remembered.withLockedValue({ $0.contains(presented) }) { return .permitted }
        let known = users[user]
        return .check(
            PasswordCheck(password: password, hash: known ?? decoyHash) { [remembered] matched in
                guard matched, known != nil else { return false }
                remembered.withLockedValue { set in
                    if set.count >= Self.rememberedLimit { set.removeAll() }
                    set.insert(presented)
                }
                return true
            })
    }

    /// The user and password of `Basic BASE64(user:password)`; nil for any other scheme or a
    /// value that does not decode.
    static func basicCredentials(_ value: String) -> (user: String, password: String)? {
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let decoded = Data(base64Encoded: String(parts[1])) else { return nil }
        let text = String(decoding: decoded, as: UTF8.self)
        guard let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// Equality whose time depends only on the lengths.
    static func constantTimeEqual(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
