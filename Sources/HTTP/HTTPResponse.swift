// A complete response as the router produces it: status, headers, body.
import NIOCore
import NIOHTTP1

/// A complete HTTP response.
package struct HTTPResponse: Sendable {
    /// The status.
    package var status: HTTPResponseStatus
    /// Headers besides Content-Length and Connection, which the handler sets.
    package var headers: HTTPHeaders
    /// The body.
    package var body: ByteBuffer

    /// A response with `contentType` and `body`.
    package init(status: HTTPResponseStatus, contentType: String, body: ByteBuffer, headers: HTTPHeaders = [:]) {
        self.status = status
        self.headers = headers
        self.headers.replaceOrAdd(name: "Content-Type", value: contentType)
        self.body = body
    }

    /// A plain-text response; the text gets a trailing newline for curl users.
    package static func text(_ status: HTTPResponseStatus, _ text: String, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: text + "\n"), headers: headers)
    }

    /// A JSON response.
    package static func json(_ status: HTTPResponseStatus, _ json: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: ByteBuffer(string: json + "\n"))
    }
}
