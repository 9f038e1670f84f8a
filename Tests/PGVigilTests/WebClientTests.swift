// The HTTP client against real loopback servers: plain HTTP, TLS with openssl-made certificates,
// a plain-HTTP proxy, a CONNECT tunnel, and a server that never answers.

import Foundation
import NIOSSL
import TestSupport
import Testing

@testable import WebClient

@Suite struct WebURLTests {
    @Test func aURLIsTakenApartWithItsCredentialsDecoded() throws {
        let url = try WebURL("https://oncall:p%40ss@alerts.example.com:8443/hook?key=1#part")
        #expect(url.isHTTPS && url.host == "alerts.example.com" && url.port == 8443 && url.namesPort)
        #expect(url.target == "/hook?key=1")
        #expect(url.credentials?.user == "oncall" && url.credentials?.password == "p@ss")
        #expect(url.authority == "alerts.example.com:8443")
        let plain = try WebURL("http://[::1]/")
        #expect(plain.host == "::1" && plain.port == 80 && !plain.namesPort && plain.authority == "[::1]" && plain.target == "/")
        #expect(try WebURL("HTTP://h?x").target == "/?x")
        #expect(try WebURL("http://h:8080").absoluteTarget == "http://h:8080/")
    }

    @Test func aBadURLSaysWhatIsWrongWithoutRepeatingIt() {
        let cases: [(String, String)] = [
            ("ftp://h/", "the URL's scheme is not http or https"), ("h/hook", "the URL has no scheme (http:// or https://)"),
            ("http:///hook", "the URL has no host"), ("http://h:70000/", "the URL's port is not a number from 1 to 65535"),
            ("http://[::1/", "the URL's IPv6 address has no closing ]"),
            ("http://h/a\r\nX-Injected: 1", "the URL holds a space, a control character or a non-ASCII byte (percent-encode it)"),
            ("http://h/é", "the URL holds a space, a control character or a non-ASCII byte (percent-encode it)"),
            ("https://user:secret@h:x/", "the URL's port is not a number from 1 to 65535"),
        ]
        for (text, message) in cases {
            #expect(throws: WebClientError(message), "\(text)") { try WebURL(text) }
        }
    }
}

@Suite struct ProxySettingsTests {
    @Test func proxiesComeFromTheVariablesCurlReads() throws {
        let settings = try ProxySettings(environment: [
            "http_proxy": "cache.internal:3128", "HTTPS_PROXY": "http://user:pw@gateway.internal", "HTTP_PROXY": "http://ignored:1",
            "no_proxy": " .corp.example, localhost ,10.0.0.1",
        ])
        let http = try #require(settings.proxy(for: try WebURL("http://hooks.example.org/x")))
        #expect(http.host == "cache.internal" && http.port == 3128)
        let https = try #require(settings.proxy(for: try WebURL("https://hooks.example.org/x")))
        #expect(https.host == "gateway.internal" && https.port == 1080 && https.credentials?.user == "user")
        for direct in ["https://pager.corp.example/", "https://corp.example/", "http://localhost:9/", "http://10.0.0.1/"] {
            #expect(settings.proxy(for: try WebURL(direct)) == nil, "\(direct)")
        }
        #expect(settings.proxy(for: try WebURL("https://notcorp.example/")) != nil)
        #expect(try ProxySettings(environment: ["HTTP_PROXY": "http://p:1"]).proxy(for: try WebURL("http://h/")) == nil)
        #expect(try ProxySettings(environment: ["https_proxy": "http://p:1", "NO_PROXY": "*"]).proxy(for: try WebURL("https://h/")) == nil)
    }

    @Test func aProxyThatIsNotHTTPNamesItsVariable() {
        #expect {
            try ProxySettings(environment: ["https_proxy": "socks5://user:secret@p:1080"])
        } throws: { error in
            let problem = error as? ProxySettings.Problem
            return problem?.variable == "https_proxy" && problem?.message == "only http:// proxies are supported"
        }
    }
}

@Suite struct WebClientTests {
    /// A POST of `body` to `url` with a 5 s timeout.
    private func post(_ client: WebClient, _ url: String, body: String = "{}", timeout: Duration = .seconds(5)) async throws -> WebResponse {
        try await client.post(WebRequest(url: url, headers: [("X-Test", "yes")], body: Array(body.utf8), timeout: timeout))
    }

    @Test func aPlainPostCarriesItsBodyHeadersAndTheURLsCredentials() async throws {
        let receiver = try await WebhookReceiver()
        receiver.respond(with: 503)
        let response = try await post(
            WebClient(proxies: .none), receiver.url("/hook?x=1").replacingOccurrences(of: "http://", with: "http://oncall:s%3Acret@"),
            body: #"{"a":1}"#)
        #expect(response.status == 503 && response.bodyExcerpt == "ok")
        let request = try #require(receiver.received.first)
        #expect(request.uri == "/hook?x=1" && request.body == #"{"a":1}"#)
        let headers = Dictionary(request.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { first, _ in first })
        #expect(headers["host"] == "127.0.0.1:\(receiver.port)" && headers["content-length"] == "7" && headers["x-test"] == "yes")
        #expect(headers["authorization"] == "Basic " + Data("oncall:s:cret".utf8).base64EncodedString())
        try await receiver.stop()
    }

    @Test func tlsIsVerifiedAgainstTheTrustedCAsAndTheHostName() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("receiver", sans: ["IP:127.0.0.1", "DNS:localhost"])
        try certificates.issue("stranger", sans: ["DNS:elsewhere.example"])
        let receiver = try await WebhookReceiver(certificate: certificates.path("receiver.crt"), key: certificates.path("receiver.key"))
        let trusting = WebClient(proxies: .none, tls: WebClientTLS(caFile: certificates.path("ca.crt")))
        #expect(try await post(trusting, receiver.url()).status == 200)
        #expect(try await post(trusting, "https://localhost:\(receiver.port)/hook").status == 200)
        // The system's trust store does not know the test CA.
        await #expect {
            try await post(WebClient(proxies: .none), receiver.url())
        } throws: { error in
            (error as? WebClientError)?.message.hasPrefix("TLS:") == true
        }
        // A certificate for another name is refused.
        let stranger = try await WebhookReceiver(certificate: certificates.path("stranger.crt"), key: certificates.path("stranger.key"))
        await #expect(throws: WebClientError.self) { try await post(trusting, "https://localhost:\(stranger.port)/hook") }
        #expect(receiver.received.count == 2 && stranger.received.isEmpty)
        try await receiver.stop()
        try await stranger.stop()
    }

    @Test func aClientCertificateIsPresentedAndReadAgainWhenItsFilesChange() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("receiver", sans: ["IP:127.0.0.1"])
        try certificates.issue("agent", sans: ["DNS:agent"])
        try certificates.issue("outsider", sans: ["DNS:agent"], issuer: "foreign-ca")
        let receiver = try await WebhookReceiver(
            certificate: certificates.path("receiver.crt"), key: certificates.path("receiver.key"), clientCA: certificates.path("ca.crt"))
        // Without a certificate, and with one of a CA the receiver does not trust: refused.
        await #expect(throws: WebClientError.self) {
            try await post(WebClient(proxies: .none, tls: WebClientTLS(caFile: certificates.path("ca.crt"))), receiver.url())
        }
        let presented = certificates.path("presented")
        try FileManager.default.copyItem(atPath: certificates.path("outsider.crt"), toPath: presented + ".crt")
        try FileManager.default.copyItem(atPath: certificates.path("outsider.key"), toPath: presented + ".key")
        let client = WebClient(
            proxies: .none, tls: WebClientTLS(caFile: certificates.path("ca.crt"), certificateFile: presented + ".crt", keyFile: presented + ".key"))
        await #expect(throws: WebClientError.self) { try await post(client, receiver.url()) }
        #expect(receiver.received.isEmpty)
        // The files replaced by a certificate of the receiver's CA (a rotation): the same client is let in.
        for suffix in [".crt", ".key"] {
            try FileManager.default.removeItem(atPath: presented + suffix)
            try FileManager.default.copyItem(atPath: certificates.path("agent" + suffix), toPath: presented + suffix)
        }
        #expect(try await post(client, receiver.url()).status == 200)
        #expect(receiver.received.count == 1)
        try await receiver.stop()
    }

    @Test func plainHTTPGoesToTheProxyInAbsoluteFormWithItsCredentials() async throws {
        let proxy = try await WebhookReceiver()  // a proxy answers what it is asked, in absolute form
        let client = WebClient(proxies: try ProxySettings(environment: ["http_proxy": "http://relay:pw@127.0.0.1:\(proxy.port)"]))
        #expect(try await post(client, "http://pgvigil.invalid:8080/hook?x=1").status == 200)
        let request = try #require(proxy.received.first)
        #expect(request.uri == "http://pgvigil.invalid:8080/hook?x=1")
        #expect(request.headers.contains { $0.0 == "Host" && $0.1 == "pgvigil.invalid:8080" })
        #expect(request.headers.contains { $0.0 == "Proxy-Authorization" && $0.1 == "Basic " + Data("relay:pw".utf8).base64EncodedString() })
        try await proxy.stop()
    }

    @Test func aTunnelledCertificateMustNameTheURLsHostNotTheProxysAddress() {
        #expect(TunnelledIdentity.dnsName("*.example.com", matches: "db.example.com"))
        #expect(!TunnelledIdentity.dnsName("*.example.com", matches: "a.db.example.com"))
        #expect(!TunnelledIdentity.dnsName("*.example.com", matches: "example.com"))
        #expect(TunnelledIdentity.dnsName("db.example.com.", matches: "db.example.com"))
        #expect(TunnelledIdentity.addressBytes("127.0.0.1") == [127, 0, 0, 1])
        #expect(TunnelledIdentity.addressBytes("::1")?.count == 16)
        #expect(TunnelledIdentity.addressBytes("db.example.com") == nil)
    }

    @Test func httpsGoesThroughAConnectTunnelUnlessNoProxyNamesTheHost() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("receiver", sans: ["IP:127.0.0.1", "DNS:localhost"])
        let receiver = try await WebhookReceiver(certificate: certificates.path("receiver.crt"), key: certificates.path("receiver.key"))
        let proxy = try await TunnelProxy()
        let tunnelled = WebClient(
            proxies: try ProxySettings(environment: ["https_proxy": "127.0.0.1:\(proxy.port)"]),
            tls: WebClientTLS(caFile: certificates.path("ca.crt")))
        #expect(try await post(tunnelled, receiver.url()).status == 200)
        #expect(proxy.received.map { $0.split(separator: "\r\n").first ?? "" } == ["CONNECT 127.0.0.1:\(receiver.port) HTTP/1.1"])
        // The proxy refuses hosts other than loopback: its 403 is the error.
        await #expect(throws: WebClientError("the proxy refused the tunnel: HTTP 403")) {
            try await post(tunnelled, "https://localhost:\(receiver.port)/hook")
        }
        // no_proxy: straight to the receiver, the proxy (now gone) never asked.
        let proxyPort = proxy.port
        try await proxy.stop()
        let direct = WebClient(
            proxies: try ProxySettings(environment: ["https_proxy": "127.0.0.1:\(proxyPort)", "no_proxy": "127.0.0.1"]),
            tls: WebClientTLS(caFile: certificates.path("ca.crt")))
        #expect(try await post(direct, receiver.url()).status == 200)
        #expect(receiver.received.count == 2)
        try await receiver.stop()
    }

    @Test func aServerThatNeverAnswersCostsTheTimeoutAndNoMore() async throws {
        let silent = try await SilentListener(.hold)
        let started = ContinuousClock.now
        await #expect(throws: WebClientError("no answer within 0.3 seconds")) {
            try await post(WebClient(proxies: .none), "http://127.0.0.1:\(silent.port)/hook", timeout: .milliseconds(300))
        }
        #expect(ContinuousClock.now - started < .seconds(3))
        await #expect {
            try await post(WebClient(proxies: .none), "http://127.0.0.1:1/hook")
        } throws: { error in
            (error as? WebClientError)?.message.hasPrefix("cannot connect to 127.0.0.1:1: connection reset") == true
        }
        await silent.stop()
    }
}
