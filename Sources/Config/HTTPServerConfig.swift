// The `http:` section: every limit and timeout of the HTTP server, in one place.

/// `http:` in the config: how many connections the server holds, how long it waits for them, and
/// how large a request may be. The defaults are README's; `ConfigRanges` checks
/// each against its documented range.
package struct HTTPServerConfig: Sendable, Hashable, Codable {
    /// Open connections at most; when all are taken, the one that has waited longest without a
    /// complete request is closed to admit a new one (see `ConnectionTable`).
    package var maxConnections = 128
    /// How long a keep-alive connection may stay quiet between a response and the next request's
    /// first byte, and how long a response may take to be written to a client that does not read.
    package var idleTimeout = ConfigDuration(.seconds(120))
    /// How long a request head (and any body) may take to arrive completely: from accept for the
    /// first request, from its first byte for the next ones on a keep-alive connection.
    package var requestHeadTimeout = ConfigDuration(.seconds(10))
    /// Bytes of a request head as sent (request line, header lines, line ends), counted as they
    /// arrive by `RequestHeadMeter`.
    package var maxHeaderBytes = 16 * 1024
    /// Header fields per request.
    package var maxHeaderFields = 100
    /// Request body bytes (no route takes a body; larger ones get 413).
    package var maxBodyBytes = 16 * 1024
    /// Requests received and not yet answered at most (a password being checked, a response
    /// still being written); one more gets 503 with `Retry-After` (node_exporter's
    /// `--web.max-requests`, which also defaults to 40).
    package var maxRequestsInFlight = 40

    /// The defaults.
    package init() {}

    /// The defaults with the given fields replaced (for tests and callers that set a few).
    package init(
        maxConnections: Int? = nil, idleTimeout: Duration? = nil, requestHeadTimeout: Duration? = nil,
        maxHeaderBytes: Int? = nil, maxHeaderFields: Int? = nil, maxBodyBytes: Int? = nil, maxRequestsInFlight: Int? = nil
    ) {
        maxConnections.map { self.maxConnections = $0 }
        idleTimeout.map { self.idleTimeout = ConfigDuration($0) }
        requestHeadTimeout.map { self.requestHeadTimeout = ConfigDuration($0) }
        maxHeaderBytes.map { self.maxHeaderBytes = $0 }
        maxHeaderFields.map { self.maxHeaderFields = $0 }
        maxBodyBytes.map { self.maxBodyBytes = $0 }
        maxRequestsInFlight.map { self.maxRequestsInFlight = $0 }
    }

    package init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = HTTPServerConfig()
        maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? defaults.maxConnections
        idleTimeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .idleTimeout) ?? defaults.idleTimeout
        requestHeadTimeout = try container.decodeIfPresent(ConfigDuration.self, forKey: .requestHeadTimeout) ?? defaults.requestHeadTimeout
        maxHeaderBytes = try container.decodeIfPresent(Int.self, forKey: .maxHeaderBytes) ?? defaults.maxHeaderBytes
        maxHeaderFields = try container.decodeIfPresent(Int.self, forKey: .maxHeaderFields) ?? defaults.maxHeaderFields
        maxBodyBytes = try container.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? defaults.maxBodyBytes
        maxRequestsInFlight = try container.decodeIfPresent(Int.self, forKey: .maxRequestsInFlight) ?? defaults.maxRequestsInFlight
    }

    /// The field names as written in YAML.
    package enum CodingKeys: String, CodingKey, CaseIterable {
        case maxConnections = "max_connections"
        case idleTimeout = "idle_timeout"
        case requestHeadTimeout = "request_head_timeout"
        case maxHeaderBytes = "max_header_bytes"
        case maxHeaderFields = "max_header_fields"
        case maxBodyBytes = "max_body_bytes"
        case maxRequestsInFlight = "max_requests_in_flight"
    }
}
