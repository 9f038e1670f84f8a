// Who may use the endpoint and how it answers: credentials, security headers, TLS, the rate limit.
import NIOHTTP1
import Support

/// What the web config (and `auth:`) decide for every connection and request: the credentials,
/// the headers added to every response, TLS, and the rate limit. The server reads it afresh for
/// each connection (TLS) and request (the rest), so a reload swaps it whole in `EndpointAccessState`.
package struct EndpointAccess: Sendable {
    /// The credentials required on every path but the open ones; nil: none.
    package var authenticator: HTTPAuthenticator?
    /// The web config's security headers, on every response.
    package var headers: HTTPHeaders
    /// The TLS contexts of `tls_server_config`; nil: plain HTTP.
    package var tls: TLSContextSource?
    /// The web config's `rate_limit`; nil: none.
    package var rateLimit: RequestRateLimit?

    /// An endpoint open to all over plain HTTP, unless the parts say otherwise.
    package init(
        authenticator: HTTPAuthenticator? = nil, headers: [String: String] = [:], tls: TLSContextSource? = nil, rateLimit: RequestRateLimit? = nil
    ) {
        self.authenticator = authenticator
        self.headers = HTTPHeaders(headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        self.tls = tls
        self.rateLimit = rateLimit
    }
}

/// The endpoint's current access settings: the agent swaps them at a reload, the server reads them.
package typealias EndpointAccessState = SharedValue<EndpointAccess>
