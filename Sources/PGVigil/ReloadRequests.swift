// The reloads asked for (SIGHUP, POST /-/reload) and discovered target lists, queued in order for `ReloadService`.
import Config
import HTTP
import NIOConcurrencyHelpers
import NIOCore

/// A queue of reload requests: a SIGHUP, or an HTTP request waiting for its answer. One consumer
/// (`ReloadService`) runs them one at a time, so two reloads never interleave. Once the agent
/// shuts down the queue is finished: a request still in it, or one arriving later, is answered
/// 503 instead of reloading.
final class ReloadRequests: Sendable {
    /// Who asked.
    enum Request: Sendable {
        /// A SIGHUP: nobody waits for the answer.
        case signal
        /// `POST /-/reload`: the answer completes the promise.
        case http(EventLoopPromise<HTTPResponse>)
        /// The file_sd files list these targets now: nobody waits.
        case discovered([TargetConfig])

        /// Hands `response` to whoever waits for it.
        func answer(_ response: HTTPResponse) {
            if case .http(let promise) = self { promise.succeed(response) }
        }
    }

    /// The requests in arrival order.
    let stream: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation
    private let finished = NIOLockedValueBox(false)

    /// The answer to a request the agent no longer runs.
    static let shuttingDown = HTTPResponse.text(.serviceUnavailable, "the agent is shutting down; nothing was reloaded")

    /// An empty queue.
    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Request.self)
    }

    /// Queues `request`, or answers it at once when the queue is finished.
    func submit(_ request: Request) {
        if case .terminated = continuation.yield(request) { request.answer(Self.shuttingDown) }
    }

    /// Queues an HTTP reload; its answer arrives on `eventLoop`.
    func ask(on eventLoop: any EventLoop) -> EventLoopFuture<HTTPResponse> {
        let promise = eventLoop.makePromise(of: HTTPResponse.self)
        submit(.http(promise))
        return promise.futureResult
    }

    /// True once `finish` was called: what is still queued is answered, not run.
    var isFinished: Bool { finished.withLockedValue { $0 } }

    /// Ends the queue (graceful shutdown): the consumer drains what is left.
    func finish() {
        finished.withLockedValue { $0 = true }
        continuation.finish()
    }
}
