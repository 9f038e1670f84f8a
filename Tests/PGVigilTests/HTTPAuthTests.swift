// Unit tests of the optional HTTP credentials: config, masking, and which requests get through.
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
    private func router(_ authenticator: HTTPAuthenticator?) -> Router {
        Router(
            state: ServedState(.initial([])), alerts: AlertBoard([]), seriesHistory: SeriesHistoryAPI(archive: SeriesArchive(), history: 60),
            statementTexts: StatementTextCatalog(), statusPage: StatusPage(archive: SeriesArchive(), history: 60),
            authenticator: authenticator, wallClock: { 0 })
    }

    private func status(_ router: Router, _ uri: String, authorization: String? = nil) -> HTTPResponseStatus {
        var headers = HTTPHeaders()
        if let authorization { headers.add(name: "Authorization", value: authorization) }
        return router.respond(to: HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers)).status
    }

    @Test func everyPathButHealthzNeedsTheTokenOrThePassword() throws {
        let authenticator = try #require(
            HTTPAuthenticator(
                bearerToken: "s3cret", basicAuth: HTTPAuthConfig.BasicAuth(username: "prometheus", password: "pa:ss")))
        let router = router(authenticator)
        #expect(status(router, "/healthz") == .ok)
        for path in ["/metrics", "/", "/readyz", "/api/v1/alerts", "/probe?target=x", "/nope"] {
            #expect(status(router, path) == .unauthorized, "\(path)")
        }
        let denied = router.respond(to: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/metrics"))
        #expect(denied.headers["WWW-Authenticate"] == [#"Basic realm="pgvigil", charset="UTF-8""#])
        #expect(status(router, "/metrics", authorization: "Bearer s3cret") == .ok)
        #expect(status(router, "/metrics", authorization: "Bearer s3cret2") == .unauthorized)
        #expect(status(router, "/metrics", authorization: "Basic cHJvbWV0aGV1czpwYTpzcw==") == .ok)  // prometheus:pa:ss
        #expect(status(router, "/metrics", authorization: "Basic cHJvbWV0aGV1czp3cm9uZw==") == .unauthorized)  // prometheus:wrong
        #expect(status(self.router(nil), "/metrics") == .ok)
    }

    @Test func credentialsComeFromTheEnvironmentAndAreMaskedWhenPrinted() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-\(UUID().uuidString).yaml").path
        try """
        targets: [{ dsn: "host=x" }]
        auth:
          bearer_token: "${SCRAPE_TOKEN}"
          basic_auth: { username: prometheus, password: "${SCRAPE_PASSWORD}" }
        """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = ["SCRAPE_TOKEN": "t0k3n-value", "SCRAPE_PASSWORD": "pw-value"]
        let config = try AgentSetup.load(overrides: ConfigOverrides(configFile: path), environment: environment).config
        let authenticator = try #require(try HTTPAuthenticator.resolve(config.auth, environment: environment))
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer t0k3n-value")
        #expect(authenticator.permits(headers))
        let printed = try EffectiveConfigPrinter.yaml(config)
        #expect(!printed.contains("t0k3n") && !printed.contains("pw-value") && !printed.contains("SCRAPE_PASSWORD"))
        #expect(printed.contains("username: prometheus"))
        do {
            _ = try AgentSetup.load(overrides: ConfigOverrides(configFile: path), environment: ["SCRAPE_TOKEN": "t"]).config
            Issue.record("a missing environment variable must be a config error")
        } catch {
            #expect(error.field == "auth.basic_auth.password")
            #expect(error.message == "environment variable SCRAPE_PASSWORD is not set")
        }
    }
}
