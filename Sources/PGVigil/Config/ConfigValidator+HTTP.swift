// Range checks of the `http:` section, kept apart from the other sections' checks.

extension ConfigValidator {
    /// The accepted range of each `http:` limit, as README's configuration table states it.
    enum HTTPRanges {
        static let maxConnections = 1...65_536
        static let idleTimeout = Duration.milliseconds(100)...Duration.seconds(3600)
        static let requestHeadTimeout = Duration.milliseconds(100)...Duration.seconds(300)
        static let maxHeaderBytes = 1024...1_048_576
        static let maxHeaderFields = 8...10_000
        static let maxBodyBytes = 0...16_777_216
    }

    /// Throws the first `http:` field outside its range, naming it (e.g. `http.max_connections`).
    static func validate(_ http: HTTPServerConfig) throws(Problem) {
        typealias Key = HTTPServerConfig.CodingKeys
        try check(http.maxConnections, in: HTTPRanges.maxConnections, key: .maxConnections)
        try check(http.idleTimeout, in: HTTPRanges.idleTimeout, key: .idleTimeout)
        try check(http.requestHeadTimeout, in: HTTPRanges.requestHeadTimeout, key: .requestHeadTimeout)
        try check(http.maxHeaderBytes, in: HTTPRanges.maxHeaderBytes, key: .maxHeaderBytes)
        try check(http.maxHeaderFields, in: HTTPRanges.maxHeaderFields, key: .maxHeaderFields)
        try check(http.maxBodyBytes, in: HTTPRanges.maxBodyBytes, key: .maxBodyBytes)
    }

    private static func check(_ value: Int, in range: ClosedRange<Int>, key: HTTPServerConfig.CodingKeys) throws(Problem) {
        guard range.contains(value) else {
            throw Problem(path: [AgentConfig.CodingKeys.http, key], message: "\(value) is out of range: must be from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    private static func check(_ value: ConfigDuration, in range: ClosedRange<Duration>, key: HTTPServerConfig.CodingKeys) throws(Problem) {
        guard range.contains(value.duration) else {
            throw Problem(
                path: [AgentConfig.CodingKeys.http, key],
                message: "\(value) is out of range: must be from \(ConfigDuration(range.lowerBound)) to \(ConfigDuration(range.upperBound))")
        }
    }
}
