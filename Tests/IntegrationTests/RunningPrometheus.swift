// A real Prometheus (Debian's) on a loopback port, started with a config, queried by its HTTP API.
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Prometheus process on a loopback port.
struct RunningPrometheus {
    var peer: PeerProcess
    var port: Int { peer.port }

    /// Starts Prometheus with `config` in `directory` on a free loopback port (or `port`), with
    /// `options` besides the config, data directory, address and log level.
    static func start(config: String, in directory: String, port: Int? = nil, options: [String] = []) async throws -> RunningPrometheus {
        let file = directory + "/prometheus.yml"
        try config.write(toFile: file, atomically: true, encoding: .utf8)
        return RunningPrometheus(
            peer: try await PeerProcess.start("/usr/bin/prometheus", port: port) { port in
                ["--config.file=\(file)", "--storage.tsdb.path=\(directory)/data", "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn"]
                    + options
            })
    }

    /// GETs `path` of Prometheus's HTTP API and decodes the JSON answer.
    func api(_ path: String, _ parameters: [String: String] = [:]) async throws -> [String: Any] {
        var components = try #require(URLComponents(string: "http://127.0.0.1:\(port)\(path)"))
        components.queryItems = parameters.map { URLQueryItem(name: $0.key, value: $0.value) }
        let (data, _) = try await URLSession.shared.data(from: try #require(components.url))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The instant vector of `query` (at `time`, seconds since 1970, or now), as (labels, value) pairs.
    func query(_ query: String, at time: Double? = nil) async throws -> [([String: String], Double)] {
        let answer = try await api("/api/v1/query", ["query": query].merging(time.map { ["time": String($0)] } ?? [:]) { first, _ in first })
        let result = (answer["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
        return result.compactMap { sample in
            guard let labels = sample["metric"] as? [String: String], let value = (sample["value"] as? [Any])?.last as? String,
                let number = Double(value)
            else { return nil }
            return (labels, number)
        }
    }
}
