// Runs a real agent in the test process on a loopback port, and scrapes it over HTTP.

import Foundation
import Logging
import TestSupport
import Testing

@testable import Config
@testable import PGVigil

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A scrape of a running agent: the status, the body, and its samples parsed by name and labels.
struct Scrape {
    var status: Int
    var body: String

    /// The value of the sample `name{labels}` (labels as written, in order), if present.
    func value(_ name: String, _ labels: [(String, String)]) -> Double? {
        let rendered = labels.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",")
        let prefix = labels.isEmpty ? name + " " : "\(name){\(rendered)} "
        guard let line = body.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return nil }
        return Double(line.dropFirst(prefix.count))
    }

    /// The names of all families in the body.
    var familyNames: Set<String> {
        Set(body.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
    }
}

/// An agent started for one test, serving on 127.0.0.1 at `port`.
struct RunningAgent {
    let port: Int

    /// Starts an agent for `config` and `web` (its listen address replaced by 127.0.0.1:0), runs
    /// `body`, and stops the agent.
    static func with<T: Sendable>(_ config: AgentConfig, web: WebConfig = WebConfig(), _ body: (RunningAgent) async throws -> T) async throws -> T {
        var config = config
        config.listen = "127.0.0.1:0"
        var logger = Logger(label: "test-agent")
        logger.logLevel = .warning
        let agent = try Agent(setup: try AgentSetup.make(from: config, web: web, environment: [:]), keepingHistory: false, logger: logger)
        let port = try await agent.bindHTTP()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await agent.run(handlingSignals: false) }
            defer { group.cancelAll() }
            return try await body(RunningAgent(port: port))
        }
    }

    /// GETs `path` (with `headers`) and returns status and body.
    func get(_ path: String, headers: [String: String] = [:]) async throws -> Scrape {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Scrape(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }

    /// Scrapes /metrics until `condition` holds or `timeout` passes; returns the last scrape.
    func scrape(until condition: (Scrape) -> Bool, timeout: Duration = .seconds(20)) async throws -> Scrape {
        var last = try await get("/metrics")
        _ = try await waitUntil(timeout: timeout) {
            last = try await get("/metrics")
            return condition(last)
        }
        return last
    }
}

/// A config sampling the given targets every `interval`, with cheap collector intervals.
func testConfig(targets: [TargetConfig], interval: Duration = .milliseconds(500)) -> AgentConfig {
    var config = AgentConfig()
    config.interval = ConfigDuration(interval)
    config.history = ConfigDuration(.seconds(300))
    config.timeout = ConfigDuration(.seconds(5))
    config.targets = targets
    config.collectors = ["table_sizes": CollectorOptions(interval: ConfigDuration(interval))]
    return config
}
