// The endpoint over TLS with real peers: certificates made by openssl, requests made by curl and s_client.
import Foundation
import TestSupport
import Testing

/// The built binary, as scripts/test.sh names it.
private let binary = ProcessInfo.processInfo.environment["PGVIGIL_TEST_BINARY"] ?? ""

@Suite(.enabled(if: TestCluster.runs(if: !binary.isEmpty), "needs PGVIGIL_TEST_BINARY from scripts/test.sh"))
struct TLSIntegrationTests {
    /// A web config serving `server.crt` / `server.key` from its directory.
    private let serverFiles = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
    /// The same, verifying client certificates against `ca.crt` (mutual TLS).
    private var mutualTLS: String { serverFiles + "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n" }

    /// Starts the agent (no reachable target) with `web` as its web config file in `certificates`'s
    /// directory, and `config` as its config file when given.
    private func start(_ certificates: TestCertificates, web: String, config: String? = nil) throws -> ListeningAgent {
        try web.write(toFile: certificates.path("web.yml"), atomically: true, encoding: .utf8)
        var arguments = [
            "--dsn", "host=127.0.0.1 port=1 connect_timeout=1", "--interval", "1s", "--listen", "127.0.0.1:0", "--web.config.file",
            certificates.path("web.yml"),
        ]
        if let config {
            try config.write(toFile: certificates.path("pgvigil.yaml"), atomically: true, encoding: .utf8)
            arguments += ["--config", certificates.path("pgvigil.yaml")]
        }
        return try ListeningAgent.start(binary, arguments)
    }

    /// The value of the sample `series` (exact labels) in the agent's /metrics over TLS.
    private func metric(_ series: String, port: Int, _ certificates: TestCertificates) throws -> Double? {
        let page = try TLSClientCommand.run(
            "/usr/bin/curl", ["-s", "--max-time", "10", "--cacert", certificates.path("ca.crt"), "https://127.0.0.1:\(port)/metrics"])
        return page.output.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test func curlGetsTheMetricsOverTLSAndPlainHTTPOrAnUnknownCAIsRefused() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1", "DNS:localhost"])
        // Relative paths: from the web config file's directory, wherever the agent runs.
        let agent = try start(certificates, web: serverFiles)
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        #expect(agent.log.contains("scheme=https"))

        #expect(try TLSClientCommand.curl("https://127.0.0.1:\(port)/metrics", ["--cacert", certificates.path("ca.crt")]).http == 200)
        #expect(try TLSClientCommand.curl("https://localhost:\(port)/healthz", ["--cacert", certificates.path("ca.crt")]).http == 200)
        // curl refuses a server whose CA it does not trust (60), and plain HTTP gets no answer.
        #expect(try TLSClientCommand.curl("https://127.0.0.1:\(port)/metrics", ["--cacert", certificates.path("foreign-ca.crt")]).exit == 60)
        #expect(try TLSClientCommand.curl("http://127.0.0.1:\(port)/metrics").http == 0)
        // The counter is rendered with the other agent figures, at each interval.
        #expect(
            try await waitUntil(timeout: .seconds(10)) {
                try metric(#"pgvigil_http_connections_closed_total{reason="tls_handshake"}"#, port: port, certificates) ?? 0 >= 2
            })
        #expect(agent.process.isRunning)
    }

    @Test func tls11IsRefusedTLS12ServedAndMinVersionTLS13RefusesTLS12() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1"])
        let agent = try start(certificates, web: serverFiles)
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        // SECLEVEL=0 lets openssl's client offer TLS 1.1 at all: the refusal is the server's.
        let legacy = ["-cipher", "DEFAULT@SECLEVEL=0"]
        let old = try TLSClientCommand.handshake(port: port, ["-tls1_1"] + legacy)
        #expect(old.serial == nil)
        #expect(old.output.contains("alert protocol version"), "\(old.output)")
        #expect(try TLSClientCommand.servedSerial(port: port, ["-tls1_2"] + legacy) != nil)
        #expect(try TLSClientCommand.servedSerial(port: port, ["-tls1_3"]) != nil)

        let strict = try start(certificates, web: serverFiles + "  min_version: TLS13\n")
        defer { strict.stop() }
        let strictPort = try #require(strict.port, "\(strict.log)")
        let tls12 = try TLSClientCommand.handshake(port: strictPort, ["-tls1_2"])
        #expect(tls12.serial == nil)
        #expect(tls12.output.contains("alert protocol version"), "\(tls12.output)")
        #expect(try TLSClientCommand.servedSerial(port: strictPort, ["-tls1_3"]) != nil)
    }

    @Test func mutualTLSAcceptsTheCAsClientsWithAnAllowedNameAndRefusesTheRest() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1"])
        try certificates.issue("prometheus", sans: ["DNS:prometheus.internal", "URI:spiffe://pgvigil.test/prometheus"])
        try certificates.issue("other", sans: ["DNS:other.internal"])
        try certificates.issue("stranger", sans: ["DNS:prometheus.internal"], issuer: "foreign-ca")
        let agent = try start(
            certificates,
            web: mutualTLS + "  client_allowed_sans: [spiffe://pgvigil.test/prometheus, ops.internal]\n")
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        let url = "https://127.0.0.1:\(port)/metrics"
        func client(_ name: String) -> [String] {
            ["--cacert", certificates.path("ca.crt"), "--cert", certificates.path("\(name).crt"), "--key", certificates.path("\(name).key")]
        }
        #expect(try TLSClientCommand.curl(url, client("prometheus")).http == 200)
        #expect(try TLSClientCommand.curl(url, ["--cacert", certificates.path("ca.crt")]).http == 0)  // no certificate
        #expect(try TLSClientCommand.curl(url, client("other")).http == 0)  // the CA's, without an allowed name
        #expect(try TLSClientCommand.curl(url, client("stranger")).http == 0)  // a foreign CA's
        #expect(try TLSClientCommand.curl(url, client("prometheus")).http == 200)
        #expect(agent.process.isRunning)
    }

    @Test func eachClientAuthTypeAsksForVerifiesAndRequiresWhatItNames() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1"])
        try certificates.issue("member", sans: ["DNS:member.internal"])
        try certificates.issue("stranger", sans: ["DNS:stranger.internal"], issuer: "foreign-ca")
        // Each mode: the status with no certificate, with the CA's, with a foreign CA's.
        let modes: [(String, [Int])] = [
            ("NoClientCert", [200, 200, 200]),
            ("RequestClientCert\n  client_ca_file: ca.crt", [200, 200, 200]),
            ("RequireAnyClientCert", [0, 200, 200]),
            ("VerifyClientCertIfGiven\n  client_ca_file: ca.crt", [200, 200, 0]),
            ("RequireAndVerifyClientCert\n  client_ca_file: ca.crt", [0, 200, 0]),
        ]
        for (mode, expected) in modes {
            let agent = try start(certificates, web: serverFiles + "  client_auth_type: \(mode)\n")
            defer { agent.stop() }
            let port = try #require(agent.port, "\(agent.log)")
            let trust = ["--cacert", certificates.path("ca.crt")]
            let statuses = try [[], ["member"], ["stranger"]].map { name in
                try TLSClientCommand.curl(
                    "https://127.0.0.1:\(port)/healthz",
                    trust + name.flatMap { ["--cert", certificates.path("\($0).crt"), "--key", certificates.path("\($0).key")] }
                ).http
            }
            #expect(statuses == expected, "\(mode)")
        }
    }

    @Test func aRotatedCertificateIsServedToNewConnectionsByTheSameProcessAndABrokenOneIsKeptOut() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1"], serial: 0x1001)
        let agent = try start(certificates, web: serverFiles)
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        let pid = agent.process.processIdentifier
        #expect(try TLSClientCommand.servedSerial(port: port) == "1001")

        // As cert-manager or certbot renew: a new key and certificate, each moved into place.
        try certificates.issue("renewed", sans: ["IP:127.0.0.1"], serial: 0x1002)
        try FileManager.default.removeItem(atPath: certificates.path("server.crt"))
        try FileManager.default.moveItem(atPath: certificates.path("renewed.crt"), toPath: certificates.path("server.crt"))
        try FileManager.default.removeItem(atPath: certificates.path("server.key"))
        try FileManager.default.moveItem(atPath: certificates.path("renewed.key"), toPath: certificates.path("server.key"))
        // Files are compared at most once a second, on a pool thread: under the other suites' load
        // that can take a while (10 s was once too short on a loaded machine).
        #expect(try await waitUntil(timeout: .seconds(30)) { try TLSClientCommand.servedSerial(port: port) == "1002" })

        let loaded = #"pgvigil_tls_files_last_load_successful"#
        #expect(try await waitUntil(timeout: .seconds(10)) { try metric(loaded, port: port, certificates) == 1 })
        let expiry = try #require(try metric("pgvigil_tls_certificate_expiration_timestamp_seconds", port: port, certificates))
        #expect(expiry > Date().timeIntervalSince1970 + 86400 && expiry < Date().timeIntervalSince1970 + 3 * 86400)  // -days 2

        // A key that does not parse: seen (the gauge turns 0), and the renewed certificate stays in use.
        try "-----BEGIN PRIVATE KEY-----\nbroken\n-----END PRIVATE KEY-----\n".write(
            toFile: certificates.path("server.key"), atomically: true, encoding: .utf8)
        #expect(
            try await waitUntil(timeout: .seconds(10)) {
                _ = try TLSClientCommand.servedSerial(port: port)  // a new connection has the files compared
                return try metric(loaded, port: port, certificates) == 0
            })
        #expect(try TLSClientCommand.servedSerial(port: port) == "1002")
        #expect(agent.process.isRunning && agent.process.processIdentifier == pid)
    }

    @Test func aMissingCertificateOrAMismatchedKeyStopsTheStartNamingTheWebConfigAndField() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1"])
        try certificates.issue("other", sans: ["IP:127.0.0.1"])

        let missing = try start(certificates, web: "tls_server_config:\n  cert_file: absent.crt\n  key_file: server.key\n")
        missing.process.waitUntilExit()
        #expect(missing.process.terminationStatus == 2)
        #expect(missing.log.contains(certificates.path("web.yml") + ":2:") && missing.log.contains("tls_server_config.cert_file"), "\(missing.log)")
        #expect(missing.log.contains("absent.crt"))

        let mismatched = try start(certificates, web: "tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n")
        mismatched.process.waitUntilExit()
        #expect(mismatched.process.terminationStatus == 2)
        #expect(mismatched.log.contains("tls_server_config.key_file"), "\(mismatched.log)")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/prometheus"), "needs prometheus"))
    func prometheusScrapesOverMutualTLSWithBasicAuthAndIsDownWithoutItsCertificate() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1"])
        try certificates.issue("prometheus", sans: ["DNS:prometheus.internal"])
        let hash = try Htpasswd.hash("prometheus", "tls-basic-secret", cost: 5)
        let agent = try start(
            certificates,
            web: mutualTLS + "basic_auth_users:\n  prometheus: \(hash)\n")
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        let prometheus = try await RunningPrometheus.start(
            config: """
                global: { scrape_interval: 1s }
                scrape_configs:
                  - job_name: pgvigil
                    scheme: https
                    tls_config:
                      ca_file: \(certificates.path("ca.crt"))
                      cert_file: \(certificates.path("prometheus.crt"))
                      key_file: \(certificates.path("prometheus.key"))
                    basic_auth: { username: prometheus, password: tls-basic-secret }
                    static_configs: [{ targets: ["127.0.0.1:\(port)"] }]
                  - job_name: pgvigil-no-client-certificate
                    scheme: https
                    tls_config: { ca_file: \(certificates.path("ca.crt")) }
                    basic_auth: { username: prometheus, password: tls-basic-secret }
                    static_configs: [{ targets: ["127.0.0.1:\(port)"] }]
                """, in: certificates.directory)
        defer { prometheus.peer.stop() }
        // The first scrape may outlast its timeout on a loaded machine (bcrypt); a later one is up.
        #expect(try await waitUntil(timeout: .seconds(30)) { try await prometheus.query(#"up{job="pgvigil"}"#).first?.1 == 1 })
        #expect(try await prometheus.query(#"pgvigil_build_info{job="pgvigil"}"#).count == 1)
        // Scraped (its `up` exists) and never up.
        #expect(try await waitUntil(timeout: .seconds(30)) { try await !prometheus.query(#"up{job="pgvigil-no-client-certificate"}"#).isEmpty })
        #expect(try await prometheus.query(#"max_over_time(up{job="pgvigil-no-client-certificate"}[1m])"#).first?.1 == 0)
    }

    @Test func aClientStalledInTheHandshakeIsClosedAtTheRequestHeadDeadline() async throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("server", sans: ["IP:127.0.0.1"])
        let agent = try start(certificates, web: serverFiles, config: "http:\n  request_head_timeout: 1s\n")
        defer { agent.stop() }
        let port = try #require(agent.port, "\(agent.log)")
        // A TLS record header announcing a ClientHello of 512 bytes, and nothing more.
        let stalled = try LoopbackClient(port: port)
        stalled.send("\u{16}\u{03}\u{01}\u{02}\u{00}")
        let started = ContinuousClock.now
        _ = try await stalled.readUntilClosed()
        // Closed by the 1 s deadline, well before the client's own 10 s receive timeout.
        #expect(ContinuousClock.now - started < .seconds(6))
        #expect(
            try await waitUntil(timeout: .seconds(10)) {
                try metric(#"pgvigil_http_connections_closed_total{reason="request_timeout"}"#, port: port, certificates) ?? 0 >= 1
            })
        #expect(try TLSClientCommand.curl("https://127.0.0.1:\(port)/healthz", ["--cacert", certificates.path("ca.crt")]).http == 200)
    }
}
