// A blocking TCP client for HTTP tests that need raw bytes on the wire (oversized headers, idling).
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// One TCP connection to 127.0.0.1, read on a thread of its own: a read starts when asked, not
/// when the shared pool's threads (two on a two-core machine, busy with other tests' blocking
/// work) come free, so a test timing how soon the server closes measures the server.
package final class LoopbackClient: @unchecked Sendable {  // used by one test at a time, from one thread at a time
    private let socketDescriptor: Int32
    private let reader = NIOThreadPool(numberOfThreads: 1)

    /// Connects to 127.0.0.1:`port`.
    package init(port: Int) throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw LoopbackClientError.connectFailed(errno) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        reader.start()
    }

    deinit {
        close(socketDescriptor)
        reader.shutdownGracefully { _ in }
    }

    /// Sends all of `text` (ignoring a peer that already closed).
    package func send(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { Glibc.send(socketDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// Reads what one recv(2) returns (waiting up to 10 s for the first bytes).
    package func readSome() async throws -> String {
        try await reader.runIfActive { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = recv(socketDescriptor, &buffer, buffer.count, 0)
            return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
        }
    }

    /// Reads until the peer closes (or 10 s pass) and returns what arrived.
    package func readUntilClosed() async throws -> String {
        try await reader.runIfActive { [self] in
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let count = recv(socketDescriptor, &buffer, buffer.count, 0)
                if count <= 0 { break }
                received += buffer[0..<count]
            }
            return String(decoding: received, as: UTF8.self)
        }
    }
}

/// A loopback connection failed.
package enum LoopbackClientError: Error {
    case connectFailed(Int32)
}
