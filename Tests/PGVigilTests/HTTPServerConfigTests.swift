// Unit tests of the `http:` config section: defaults, ranges, unknown keys, check-config output.

import Testing

@testable import Config
@testable import PGVigil

@Suite struct HTTPServerConfigTests {
    /// Loads `yaml` with a target.
    private func load(_ yaml: String) throws(ConfigError) -> AgentConfig {
        try ConfigFile.load("targets: [{ dsn: \"host=x\" }]\n" + yaml)
    }

    private func loadError(_ yaml: String) -> ConfigError? {
        ConfigFile.loadError("targets: [{ dsn: \"host=x\" }]\n" + yaml)
    }

    @Test func defaultsApplyWithoutTheSection() throws {
        let http = try load("").http
        #expect(http.maxConnections == 128)
        #expect(http.idleTimeout.duration == .seconds(120))
        #expect(http.requestHeadTimeout.duration == .seconds(10))
        #expect(http.maxHeaderBytes == 16_384)
        #expect(http.maxHeaderFields == 100)
        #expect(http.maxBodyBytes == 16_384)
    }

    @Test func everyKeyIsRead() throws {
        let http = try load(
            """
            http:
              max_connections: 500
              idle_timeout: 5m
              request_head_timeout: 3s
              max_header_bytes: 8192
              max_header_fields: 50
              max_body_bytes: 0
              max_requests_in_flight: 5
            """
        ).http
        #expect(
            http
                == HTTPServerConfig(
                    maxConnections: 500, idleTimeout: .seconds(300), requestHeadTimeout: .seconds(3),
                    maxHeaderBytes: 8192, maxHeaderFields: 50, maxBodyBytes: 0, maxRequestsInFlight: 5))
    }

    @Test(arguments: [
        ("max_connections: 0", "http.max_connections", "from 1 to 65536"),
        ("max_connections: 100000", "http.max_connections", "from 1 to 65536"),
        ("idle_timeout: 50ms", "http.idle_timeout", "from 100ms to 1h"),
        ("idle_timeout: 2h", "http.idle_timeout", "from 100ms to 1h"),
        ("request_head_timeout: 0s", "http.request_head_timeout", "from 100ms to 5m"),
        ("request_head_timeout: 106000000000d", "http.request_head_timeout", "is longer than 10y"),
        ("max_header_bytes: 100", "http.max_header_bytes", "from 1024 to 1048576"),
        ("max_header_fields: 1000000", "http.max_header_fields", "from 8 to 10000"),
        ("max_body_bytes: -1", "http.max_body_bytes", "from 0 to 16777216"),
        ("max_requests_in_flight: 0", "http.max_requests_in_flight", "from 1 to 65536"),
    ])
    func outOfRangeNamesTheFieldAndTheLine(setting: String, field: String, range: String) throws {
        let error = try #require(loadError("http:\n  \(setting)\n"))
        #expect(error.field == field)
        #expect(error.line == 3)
        #expect(error.message.contains(range))
    }

    @Test func unknownKeyIsRejected() throws {
        let error = try #require(loadError("http:\n  max_conections: 10\n"))
        #expect(error.field == "http.max_conections")
        #expect(error.message.contains("unknown field"))
    }

    @Test func checkConfigShowsTheLimits() throws {
        let yaml = try EffectiveConfigPrinter.yaml(try load("http: { max_connections: 300 }\n"))
        #expect(
            yaml.contains(
                "http:\n  max_connections: 300\n  idle_timeout: 2m\n  request_head_timeout: 10s\n  max_header_bytes: 16384\n  max_header_fields: 100\n  max_body_bytes: 16384\n"
            ))
    }

    @Test func durationsBecomeNIOTimeAmountsWithoutOverflow() throws {
        #expect(ConfigDuration(.milliseconds(1500)).timeAmount == .milliseconds(1500))
        #expect(ConfigDuration(ConfigDuration.maximum).timeAmount == .seconds(10 * 365 * 86_400))
    }
}
