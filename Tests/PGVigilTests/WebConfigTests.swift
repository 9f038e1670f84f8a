// Unit tests of the web config file: exporter-toolkit's format, read and checked as it checks it.
import Foundation
import Testing

@testable import Config
@testable import HTTP
@testable import PGVigil

@Suite struct WebConfigTests {
    /// A temporary directory holding a config file and the web config beside it.
    private struct Files {
        let directory: String
        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-web-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        func write(_ name: String, _ text: String) throws -> String {
            let path = directory + "/" + name
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    private func webError(_ web: String) throws -> ConfigError? {
        let files = try Files()
        defer { files.remove() }
        let path = try files.write("web.yml", web)
        do {
            _ = try WebConfigLoader.load(file: path)
            return nil
        } catch {
            #expect(error.file == path)
            return error
        }
    }

    @Test func anExporterToolkitFileLoadsFromBesideTheConfigOrFromTheFlag() throws {
        let files = try Files()
        defer { files.remove() }
        _ = try files.write(
            "web.yml",
            """
            # as node_exporter's documentation writes one
            basic_auth_users:
              prometheus: \(HTTPAuthTests.prometheusHash)
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Content-Security-Policy: "default-src 'self'"
            auth_excluded_paths: [/healthz, /readyz]
            """)
        let config = try files.write("pgvigil.yaml", "targets: [{ dsn: \"host=x\" }]\nweb_config_file: web.yml\n")
        let setup = try AgentSetup.load(overrides: ConfigOverrides(configFile: config), environment: [:])
        #expect(setup.config.webConfigFile == files.directory + "/web.yml")
        #expect(setup.web.basicAuthUsers == ["prometheus": HTTPAuthTests.prometheusHash])
        #expect(setup.web.httpServerConfig.headers["X-Frame-Options"] == "deny")
        #expect(setup.access.authenticator?.openPaths == ["/healthz", "/readyz"])
        let flagged = try AgentSetup.load(
            overrides: ConfigOverrides(dsns: ["host=x"], webConfigFile: files.directory + "/web.yml"), environment: [:])
        #expect(flagged.web.basicAuthUsers.count == 1)
        #expect(try AgentSetup.load(overrides: ConfigOverrides(dsns: ["host=x"]), environment: [:]).access.authenticator == nil)
    }

    @Test func aPlainPasswordIsRefusedNamingTheUser() throws {
        let error = try #require(try webError("basic_auth_users:\n  alice: hunter2\n"))
        #expect(error.line == 2)
        #expect(error.field == "basic_auth_users.alice")
        #expect(error.message.contains("bcrypt") && !error.message.contains("hunter2"))
        let cost = try #require(try webError("basic_auth_users:\n  alice: \"$2y$03$" + String(repeating: "a", count: 53) + "\"\n"))
        #expect(cost.message.contains("04 to 31"))
    }

    @Test func onlyTheSecurityHeadersExporterToolkitAllowsAreAccepted() throws {
        let extra = try #require(try webError("http_server_config:\n  headers:\n    Set-Cookie: x=1\n"))
        #expect(extra.field == "http_server_config.headers.Set-Cookie")
        #expect(extra.message.contains("X-Frame-Options"))
        let frame = try #require(try webError("http_server_config:\n  headers:\n    X-Frame-Options: allow\n"))
        #expect(frame.line == 3)
        #expect(frame.message.contains("deny, sameorigin"))
        #expect(try webError("http_server_config:\n  headers:\n    x-content-type-options: nosniff\n") == nil)
    }

    @Test func unknownFieldsAndMissingFilesAreErrorsNamingTheFile() throws {
        let unknown = try #require(try webError("basic_auth_user:\n  a: b\n"))
        #expect(unknown.line == 1)
        #expect(unknown.message.contains("unknown field \"basic_auth_user\""))
        let nested = try #require(try webError("tls_server_config:\n  cert_fil: x\n"))
        #expect(nested.field == "tls_server_config.cert_fil")
        let path = try #require(try webError("auth_excluded_paths: [healthz]\n"))
        #expect(path.field == "auth_excluded_paths[0]")
        do {
            _ = try WebConfigLoader.load(file: "/nonexistent/web.yml")
            Issue.record("a missing web config file must be an error")
        } catch {
            #expect(error.description == "/nonexistent/web.yml: cannot read the web config file: No such file or directory")
        }
        #expect(try webError("# nothing but a comment\n") == nil)
    }

    /// A tls_server_config with the server's files and `extra` lines.
    private func tls(_ extra: String) -> String {
        "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extra
    }

    @Test func tlsServerConfigIsCheckedAsExporterToolkitChecksItAndTLS10And11AreRefused() throws {
        #expect(try webError(tls("  client_auth_type: RequireClientCert\n")) == nil)  // exporter-toolkit's old name
        #expect(try webError(tls("  min_version: TLS13\n  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]\n")) == nil)
        let cases: [(String, String, String)] = [
            ("tls_server_config:\n  key_file: server.key\n", "tls_server_config.cert_file", "give cert_file"),
            (tls("  cert: inline\n"), "tls_server_config.cert", "not both"),
            (tls("  client_auth_type: Mutual\n"), "tls_server_config.client_auth_type", "RequireAndVerifyClientCert"),
            (tls("  client_ca_file: ca.crt\n"), "tls_server_config.client_auth_type", "no client certificate is asked for"),
            (tls("  client_auth_type: RequireAndVerifyClientCert\n"), "tls_server_config.client_ca_file", "give client_ca_file"),
            (tls("  client_allowed_sans: [a.internal]\n"), "tls_server_config.client_allowed_sans", "RequireAndVerifyClientCert"),
            (
                tls("  client_auth_type: RequireAnyClientCert\n  client_allowed_sans: [a.internal]\n"), "tls_server_config.client_allowed_sans",
                "prove nothing"
            ),
            (
                tls("  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  client_allowed_sans: []\n"),
                "tls_server_config.client_allowed_sans", "admits no client"
            ),
            (tls("  min_version: TLS11\n"), "tls_server_config.min_version", "RFC 8996"),
            (tls("  min_version: SSL3\n"), "tls_server_config.min_version", "not a TLS version"),
            (tls("  min_version: TLS13\n  max_version: TLS12\n"), "tls_server_config.min_version", "above max_version"),
            (tls("  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n"), "tls_server_config.cipher_suites", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            (tls("  curve_preferences: [P256]\n"), "tls_server_config.curve_preferences", "CurveP256"),
        ]
        for (web, field, message) in cases {
            let error = try #require(try webError(web), "\(web)")
            #expect(error.field == field, "\(web)")
            #expect(error.message.contains(message), "\(error.message)")
            #expect(error.line != nil, "\(web)")
        }
    }

    @Test func emptyTLSFieldsAreAbsentAndASectionWithoutFilesIsPlainHTTPAsInExporterToolkit() throws {
        let files = try Files()
        defer { files.remove() }
        let templated = try files.write("web.yml", "tls_server_config:\n  cert_file: \"\"\n  key_file: \"\"\n  client_auth_type: \"\"\n")
        #expect(try WebConfigLoader.load(file: templated).tlsServerConfig == nil)
        let inline = try files.write("inline.yml", "tls_server_config:\n  cert_file: \"\"\n  cert: PEM\n  key_file: server.key\n  client_ca: \"\"\n")
        let tls = try WebConfigLoader.load(file: inline).tlsServerConfig
        #expect(tls?.certFile == nil && tls?.cert == "PEM" && tls?.clientCA == nil)
    }

    @Test func rateLimitIsReadAsExporterToolkitReadsItAndABurstOfZeroRefused() throws {
        let files = try Files()
        defer { files.remove() }
        let limited = try files.write("web.yml", "rate_limit:\n  interval: 100ms\n  burst: 20\n")
        #expect(try WebConfigLoader.load(file: limited).rateLimit == WebRateLimit(interval: ConfigDuration(.milliseconds(100)), burst: 20))
        let disabled = try files.write("off.yml", "rate_limit:\n  interval: 0s\n  burst: 20\n")
        #expect(try WebConfigLoader.load(file: disabled).rateLimit == nil)
        let zero = try #require(try webError("rate_limit:\n  interval: 1s\n  burst: 0\n"))
        #expect(zero.field == "rate_limit.burst" && zero.line == 3)
        #expect(try #require(try webError("rate_limit:\n  period: 1s\n")).field == "rate_limit.period")
    }

    @Test func tlsFilePathsAreRelativeToTheWebConfigFile() throws {
        let files = try Files()
        defer { files.remove() }
        let path = try files.write(
            "web.yml", tls("  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: /etc/pgvigil/ca.crt\n"))
        let web = try WebConfigLoader.load(file: path).tlsServerConfig
        #expect(web?.certFile == files.directory + "/server.crt")
        #expect(web?.keyFile == files.directory + "/server.key")
        #expect(web?.clientCAFile == "/etc/pgvigil/ca.crt")
    }

    @Test func aTLSFileThatCannotBeReadIsAProblemOfTheWebConfigFileWithItsLine() throws {
        let files = try Files()
        defer { files.remove() }
        let web = try files.write("web.yml", tls(""))
        do {
            _ = try AgentSetup.load(overrides: ConfigOverrides(dsns: ["host=x"], webConfigFile: web), environment: [:])
            Issue.record("a missing certificate file must be an error")
        } catch {
            #expect(error.file == web)
            #expect(error.line == 2)
            #expect(error.field == "tls_server_config.cert_file")
            #expect(error.message.contains("cannot read \(files.directory)/server.crt: No such file or directory"))
        }
    }
}

/// How client certificates' IP addresses are written for `client_allowed_sans`: as Go writes them.
@Suite struct ClientCertificateAddressTests {
    @Test func addressesAreWrittenAsGoWritesThem() {
        #expect(ClientCertificateCheck.ipAddressText([127, 0, 0, 1]) == "127.0.0.1")
        #expect(ClientCertificateCheck.ipAddressText([0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1]) == "2001:db8::1")
        #expect(ClientCertificateCheck.ipAddressText(Array(repeating: 0, count: 10) + [0xFF, 0xFF, 10, 0, 0, 7]) == "10.0.0.7")
        #expect(ClientCertificateCheck.ipAddressText([1, 2, 3]) == nil)
    }
}
