// Counts the raw bytes of each request head as it arrives, so an oversized head is refused at the cap.

/// Follows a connection's raw bytes to find where each request head ends (its empty line) and
/// counts the head's bytes: request line, header lines and line ends, as Go's `MaxHeaderBytes`
/// does. NIO's parser counts only the target, names and values, and buffers padding it does not
/// count (e.g. blanks after a colon), so this meter is what bounds the memory a head can take.
/// Empty lines before a request line are allowed (RFC 9112) and counted. After a head ends, the
/// body (if any) is not the meter's business: `startNextHead()` resumes counting once the
/// request is complete.
package struct RequestHeadMeter {
    /// What a scan found.
    package enum Outcome: Equatable {
        /// Every byte belongs to a head that has not ended yet.
        case headContinues
        /// The head ends after the first `length` bytes; the rest is not counted.
        case headEnds(length: Int)
        /// A head is complete and the request not yet: nothing is counted.
        case betweenHeads
        /// The head passed `maxBytes`.
        case tooLarge
    }

    private enum State {
        /// Inside a head: bytes so far, bytes on the current line, whether a line had content yet.
        case head(bytes: Int, lineBytes: Int, sawContent: Bool, previousWasCR: Bool)
        case afterHead
    }

    /// The most bytes a head may have.
    let maxBytes: Int
    private var state = State.head(bytes: 0, lineBytes: 0, sawContent: false, previousWasCR: false)

    /// A meter for heads of at most `maxBytes`, expecting a head first.
    package init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Counts `bytes`, which follow the ones scanned before.
    package mutating func scan(_ bytes: some Collection<UInt8>) -> Outcome {
        guard case .head(var count, var lineBytes, var sawContent, var previousWasCR) = state else { return .betweenHeads }
        var length = 0
        for byte in bytes {
            length += 1
            count += 1
            guard count <= maxBytes else { return .tooLarge }
            if byte == UInt8(ascii: "\n") {
                let isEmptyLine = lineBytes - (previousWasCR ? 1 : 0) == 0
                if isEmptyLine && sawContent {
                    state = .afterHead
                    return .headEnds(length: length)
                }
                lineBytes = 0
                previousWasCR = false
            } else {
                lineBytes += 1
                previousWasCR = byte == UInt8(ascii: "\r")
                if !previousWasCR { sawContent = true }
            }
        }
        state = .head(bytes: count, lineBytes: lineBytes, sawContent: sawContent, previousWasCR: previousWasCR)
        return .headContinues
    }

    /// The request whose head ended is complete: the next bytes are the next head.
    mutating func startNextHead() {
        state = .head(bytes: 0, lineBytes: 0, sawContent: false, previousWasCR: false)
    }
}
