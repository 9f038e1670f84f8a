// Reads a whole small file through POSIX calls, with the system's reason when it cannot.
#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be read: the system's words (`No such file or directory`) or ours.
package struct TextFileError: Error, Sendable, CustomStringConvertible {
    /// The reason.
    package var reason: String
    package var description: String { reason }
}

/// Reading small files (the config file) whole.
package enum TextFile {
    /// The largest file `read` accepts: a config file is kilobytes.
    package static let maximumBytes = 16 << 20

    /// The bytes of `path` (the YAML parser checks their encoding and says where it is wrong).
    package static func read(_ path: String) throws(TextFileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw TextFileError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw TextFileError(reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
            guard bytes.count <= maximumBytes else { throw TextFileError(reason: "larger than \(maximumBytes >> 20) MiB") }
        }
        return bytes
    }
}
