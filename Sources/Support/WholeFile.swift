// Reads a whole small file through POSIX calls, with the system's reason when it cannot.
#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be read: the system's words (`No such file or directory`) or ours.
package struct WholeFileError: Error, Sendable, CustomStringConvertible {
    /// The reason.
    package var reason: String
    /// True when the file does not exist (which some callers take as "nothing saved yet").
    package var isMissing = false
    package var description: String { reason }
}

/// Reading files whole: the config file, spooled notifications, the saved alert state and history, fuzz inputs.
package enum WholeFile {
    /// The largest file `read` accepts by default: most of these files are kilobytes.
    package static let maximumBytes = 16 << 20

    /// The bytes of `path`, refused when larger than `limit`.
    package static func read(_ path: String, limit: Int = maximumBytes) throws(WholeFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw WholeFileError(reason: String(cString: strerror(errno)), isMissing: errno == ENOENT) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw WholeFileError(reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= limit else { throw WholeFileError(reason: "larger than \(limit >> 20) MiB") }
        }
        return bytes
    }
}
