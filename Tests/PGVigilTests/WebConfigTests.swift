// Unit tests of the web config file: exporter-toolkit's format, read and checked as it checks it.
import Foundation
import Testing

@testable import Config
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
        #expect(setup.authenticator?.openPaths == ["/healthz", "/readyz"])
        let flagged = try AgentSetup.load(
            overrides: ConfigOverrides(dsns: ["host=x"], webConfigFile: files.directory + "/web.yml"), environment: [:])
        #expect(flagged.web.basicAuthUsers.count == 1)
        #expect(try AgentSetup.load(overrides: ConfigOverrides(dsns: ["host=x"]), environment: [:]).authenticator == nil)
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

    @Test func unknownFieldsMissingFilesAndTLSAreErrorsNamingTheFile() throws {
        let unknown = try #require(try webError("basic_auth_user:\n  a: b\n"))
        #expect(unknown.line == 1)
        #expect(unknown.message.contains("unknown field \"basic_auth_user\""))
        let nested = try #require(try webError("tls_server_config:\n  cert_fil: x\n"))
        #expect(nested.field == "tls_server_config.cert_fil")
        let tls = try #require(try webError("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"))
        #expect(tls.field == "tls_server_config")
        #expect(tls.message.contains("not served by this version"))
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
}
