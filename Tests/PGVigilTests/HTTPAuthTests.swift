// Unit tests of the HTTP credentials: the bearer token, bcrypt users, open paths, and masking.
import Alerting
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import Config
@testable import Exposition
@testable import HTTP
@testable import PGVigil
@testable import Sampler
@testable import Store
@testable import Support

@Suite struct HTTPAuthTests {
    /// `htpasswd -nbB -C 4 prometheus 'pa:ss'` (Apache's own bcrypt, not libcrypt's).
    static let prometheusHash = "$2y$04$KhGak9UC1dbDT3R.Xh852O9UJ7AIfRfPtM72/hXUUjuO2/GdQA0zW"

    private func router(_ authenticator: HTTPAuthenticator?) -> Router {
        Router(
            state: ServedState(.initial([])), alerts: AlertBoard([]), seriesHistory: SeriesHistoryAPI(archive: SeriesArchive(), history: 60),
            statementTexts: StatementTextCatalog(), statusPage: StatusPage(archive: SeriesArchive(), history: 60),
            access: EndpointAccessState(EndpointAccess(authenticator: authenticator)), wallClock: { 0 })
    }

    /// The status the server answers, a password check run inline as its thread would.
    private func status(_ router: Router, _ uri: String, authorization: String? = nil) -> HTTPResponseStatus {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)
        switch router.verdict(for: head) {
        case .permitted: return router.respond(to: head).status
        case .refused: return router.unauthorized.status
        case .check(let check): return check.run() ? router.respond(to: head).status : router.unauthorized.status
        }
    }

    private func basic(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    @Test func everyPathButHealthzNeedsTheTokenOrABcryptUser() throws {
        let authenticator = try #require(HTTPAuthenticator(bearerToken: "s3cret", users: ["prometheus": Self.prometheusHash]))
        let router = router(authenticator)
        #expect(status(router, "/healthz") == .ok)
        for path in ["/metrics", "/", "/readyz", "/api/v1/alerts", "/probe?target=x", "/nope"] {
            #expect(status(router, path) == .unauthorized, "\(path)")
        }
        #expect(router.unauthorized.headers["WWW-Authenticate"] == [#"Basic realm="pgvigil", charset="UTF-8""#])
        #expect(status(router, "/metrics", authorization: "Bearer s3cret") == .ok)
        #expect(status(router, "/metrics", authorization: "Bearer s3cret2") == .unauthorized)
        #expect(status(router, "/metrics", authorization: basic("prometheus", "pa:ss")) == .ok)
        #expect(status(router, "/metrics", authorization: basic("prometheus", "pa:sS")) == .unauthorized)
        #expect(status(router, "/metrics", authorization: basic("nobody", "pa:ss")) == .unauthorized)
        #expect(status(router, "/metrics", authorization: "Basic !!notbase64") == .unauthorized)
        #expect(status(self.router(nil), "/metrics") == .ok)
    }

    @Test func aPassedPasswordIsRememberedAndAnUnknownUserStillCostsABcrypt() throws {
        let authenticator = try #require(HTTPAuthenticator(bearerToken: nil, users: ["prometheus": Self.prometheusHash]))
        var headers = HTTPHeaders([("Authorization", basic("prometheus", "pa:ss"))])
        guard case .check(let first) = authenticator.verdict(path: "/metrics", headers: headers) else {
            Issue.record("the first request must run the bcrypt check")
            return
        }
        #expect(first.run())
        guard case .permitted = authenticator.verdict(path: "/metrics", headers: headers) else {
            Issue.record("a header that passed must not be checked again")
            return
        }
        // An unknown user is checked against the decoy (same work), and never passes.
        headers = HTTPHeaders([("Authorization", basic("mallory", "pa:ss"))])
        guard case .check(let decoy) = authenticator.verdict(path: "/metrics", headers: headers) else {
            Issue.record("an unknown user must cost a bcrypt check like a known one")
            return
        }
        #expect(decoy.hash.hasPrefix("$2y$04$"))
        #expect(!decoy.run())
        // A wrong password is not remembered.
        headers = HTTPHeaders([("Authorization", basic("prometheus", "wrong"))])
        guard case .check(let wrong) = authenticator.verdict(path: "/metrics", headers: headers) else {
            Issue.record("a wrong password must be checked")
            return
        }
        #expect(!wrong.run())
        guard case .check = authenticator.verdict(path: "/metrics", headers: headers) else {
            Issue.record("a failed password must be checked again, not remembered")
            return
        }
    }

    @Test func openPathsAreTheWebConfigsAuthExcludedPaths() throws {
        let none = try #require(HTTPAuthenticator(bearerToken: "t", users: [:], openPaths: []))
        #expect(status(router(none), "/healthz") == .unauthorized)
        #expect(router(none).unauthorized.headers["WWW-Authenticate"] == [#"Bearer realm="pgvigil""#])
        let metrics = try #require(HTTPAuthenticator(bearerToken: "t", users: [:], openPaths: ["/metrics"]))
        #expect(status(router(metrics), "/metrics") == .ok)
        #expect(status(router(metrics), "/readyz") == .unauthorized)
    }

    @Test func theTokenComesFromTheEnvironmentAndIsMaskedWhenPrinted() throws {
        let yaml = """
            targets: [{ dsn: "host=x" }]
            auth:
              bearer_token: "${SCRAPE_TOKEN}"
            """
        let environment = ["SCRAPE_TOKEN": "t0k3n-value"]
        let config = try ConfigFile.load(yaml, environment: environment)
        let authenticator = try #require(try HTTPAuthenticator.resolve(config.auth, web: WebConfig(), environment: environment))
        guard case .permitted = authenticator.verdict(path: "/metrics", headers: HTTPHeaders([("Authorization", "Bearer t0k3n-value")])) else {
            Issue.record("the token from the environment must be accepted")
            return
        }
        let printed = try EffectiveConfigPrinter.yaml(config)
        #expect(!printed.contains("t0k3n") && !printed.contains("SCRAPE_TOKEN"))
        do {
            _ = try ConfigFile.load(yaml)
            Issue.record("a missing environment variable must be a config error")
        } catch {
            #expect(error.field == "auth.bearer_token")
            #expect(error.message == "environment variable SCRAPE_TOKEN is not set")
        }
    }

    @Test func aPasswordInTheConfigIsRefusedWithWhatToWriteInstead() throws {
        let error = try #require(ConfigFile.loadError("targets: [{ dsn: \"host=x\" }]\nauth:\n  basic_auth: { username: u, password: p }\n"))
        #expect(error.line == 3)
        #expect(error.field == "auth.basic_auth")
        #expect(error.message.contains("basic_auth_users") && error.message.contains("htpasswd -nbB") && error.message.contains("web_config_file"))
    }
}
