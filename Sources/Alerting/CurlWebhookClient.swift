// Webhook POSTs through libcurl on the thread pool: TLS, proxies from the environment, timeouts.
import CCurl
import NIOPosix
import Support

/// `curl_global_init`, run once before the first handle (lazy globals are initialised once, thread-safely).
private let curlGlobalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

/// Posts webhooks with libcurl. TLS peer and host verification stay on (libcurl's default);
/// `http_proxy`, `https_proxy` and `no_proxy` are honoured as libcurl reads them; redirects are
/// not followed (a POST must reach the configured URL); only http and https are allowed.
package struct CurlWebhookClient: WebhookTransport {
    /// Runs the blocking `curl_easy_perform`.
    package let threadPool: NIOThreadPool

    /// Creates a value from its parts.
    package init(threadPool: NIOThreadPool) {
        self.threadPool = threadPool
    }

    package func post(_ request: WebhookRequest) async throws -> WebhookResponse {
        try await threadPool.runIfActive { try Self.perform(request) }
    }

    /// Collects the first bytes of the response body.
    private final class BodyCollector {
        var bytes: [UInt8] = []
        let limit = 512
    }

    private static func perform(_ request: WebhookRequest) throws -> WebhookResponse {
        _ = curlGlobalInit
        guard let handle = curl_easy_init() else { throw WebhookTransportError(message: "libcurl could not create a handle") }
        defer { curl_easy_cleanup(handle) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in [("Content-Type", "application/json"), ("User-Agent", "pgvigil/\(PGVigilVersion.current)")]
            + request.headers.map({ ($0.name, $0.value) })
        {
            headerList = curl_slist_append(headerList, "\(header.0): \(header.1)")
        }
        let collector = BodyCollector()
        let collectorPointer = Unmanaged.passRetained(collector)
        defer { collectorPointer.release() }
        let timeoutMilliseconds = max(1, Int(request.timeout.seconds * 1000))
        var body = request.body
        var results = [
            pgvigil_curl_setopt_string(handle, CURLOPT_URL, request.url),
            pgvigil_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"),
            pgvigil_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1),
            pgvigil_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0),
            pgvigil_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds),
            pgvigil_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, timeoutMilliseconds),
            pgvigil_curl_setopt_long(handle, CURLOPT_POST, 1),
            pgvigil_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count),
        ]
        results.append(body.withUnsafeMutableBytes { pgvigil_curl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) })
        results.append(pgvigil_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList))
        results.append(pgvigil_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, collectorPointer.toOpaque()))
        results.append(
            pgvigil_curl_setopt_write_function(handle) { data, size, count, context in
                let length = size * count
                guard let data, let context else { return length }
                let collector = Unmanaged<BodyCollector>.fromOpaque(context).takeUnretainedValue()
                let room = max(0, collector.limit - collector.bytes.count)
                if room > 0 {
                    data.withMemoryRebound(to: UInt8.self, capacity: length) {
                        collector.bytes += UnsafeBufferPointer(start: $0, count: min(room, length))
                    }
                }
                return length
            })
        if let failed = results.first(where: { $0 != CURLE_OK }) {
            throw WebhookTransportError(message: "libcurl rejected an option: \(String(cString: curl_easy_strerror(failed)))")
        }
        let outcome = curl_easy_perform(handle)
        guard outcome == CURLE_OK else {
            throw WebhookTransportError(message: String(cString: curl_easy_strerror(outcome)))
        }
        var status = 0
        _ = pgvigil_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return WebhookResponse(status: status, bodyExcerpt: String(decoding: collector.bytes, as: UTF8.self))
    }
}
