// Files written so that they are either wholly there or not at all, even after SIGKILL or power loss.
#if canImport(Glibc)
import Glibc
#endif

/// Why a durable write or a directory could not be made: what was being done and the system's words.
package struct DurableFileError: Error, Sendable, CustomStringConvertible {
    package var message: String

    /// `cannot WHAT: REASON`, the reason from `errno`.
    package init(errno code: Int32, doing what: String) {
        message = "cannot \(what): \(String(cString: strerror(code)))"
    }

    package var description: String { message }
}

/// Durable writes: the spool's notifications and alert state, the saved history.
package enum DurableFile {
    /// Writes `bytes` to `directory/name` through a temporary file (0600, `.tmp-NAME`), fsync,
    /// rename and fsync of the directory.
    package static func write(_ bytes: [UInt8], directory: String, name: String) throws(DurableFileError) {
        let temporary = directory + "/.tmp-" + name
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw DurableFileError(errno: errno, doing: "create \(temporary)") }
        var offset = 0
        var failure: Int32 = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            offset += written
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        guard failure == 0 else {
            unlink(temporary)
            throw DurableFileError(errno: failure, doing: "write \(temporary)")
        }
        guard rename(temporary, directory + "/" + name) == 0 else {
            let code = errno
            unlink(temporary)
            throw DurableFileError(errno: code, doing: "rename \(temporary)")
        }
        try syncDirectory(directory)
    }

    /// Flushes `directory`'s entries (a rename or an unlink in it) to the disk.
    package static func syncDirectory(_ directory: String) throws(DurableFileError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DurableFileError(errno: errno, doing: "open \(directory)") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw DurableFileError(errno: errno, doing: "fsync \(directory)") }
    }

    /// Creates `path` and its missing parents with mode 0700.
    package static func makeDirectory(_ path: String) throws(DurableFileError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o700) != 0, errno != EEXIST { throw DurableFileError(errno: errno, doing: "create \(prefix)") }
        }
        guard chmod(path, 0o700) == 0 else { throw DurableFileError(errno: errno, doing: "chmod 0700 \(path)") }
    }
}
