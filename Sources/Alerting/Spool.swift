// The on-disk spool of a receiver: each notification is a file, written durably before sending.
import FoundationEssentials
import Support

#if canImport(Glibc)
import Glibc
#endif

/// A spooled notification and its place in the receiver's order.
package struct SpoolEntry: Sendable, Codable, Hashable {
    /// Increases with each notification of the receiver; the file name starts with it.
    package var sequence: UInt64
    /// The notification.
    package var notification: AlertNotification

    /// `00000000000000000042-<fingerprint>.json`: sorts by sequence.
    var fileName: String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + "-" + notification.fingerprint + ".json"
    }
}

/// A directory of spooled notifications (mode 0700, files 0600). A write is a temporary file,
/// fsync, atomic rename and fsync of the directory, so a notification that `write` returned for
/// survives SIGKILL and power loss; it is removed only after delivery.
package struct Spool: Sendable {
    /// The directory.
    package let directory: String

    /// Opens (creating, mode 0700) the spool directory; temporary files of an interrupted write are removed.
    package init(directory: String) throws(SpoolError) {
        self.directory = directory
        try Self.makeDirectory(directory)
        for name in try Self.fileNames(in: directory) where name.hasPrefix(".tmp-") {
            unlink(directory + "/" + name)
        }
    }

    /// Writes `entry` durably.
    package func write(_ entry: SpoolEntry) throws(SpoolError) {
        try Self.writeJSONDurably(entry, directory: directory, name: entry.fileName)
    }

    /// Writes `value` as JSON (sorted keys) durably to `directory/name`.
    static func writeJSONDurably(_ value: some Encodable, directory: String, name: String) throws(SpoolError) {
        let data: Data
        do {
            data = try JSON.encoder().encode(value)
        } catch {
            throw SpoolError(message: "cannot encode \(name): \(error)")
        }
        try writeDurably(data, directory: directory, name: name)
    }

    /// Writes `data` to `directory/name` durably (`DurableFile`).
    static func writeDurably(_ data: Data, directory: String, name: String) throws(SpoolError) {
        try durably { () throws(DurableFileError) in try DurableFile.write([UInt8](data), directory: directory, name: name) }
    }

    /// Checks that the directory takes a durable write again (after a failure, when no
    /// notification waits to be written): writes and removes a small hidden file.
    package func probe() throws(SpoolError) {
        try Self.writeDurably(Data("probe".utf8), directory: directory, name: ".probe")
        guard unlink(directory + "/.probe") == 0 else { throw SpoolError(errno: errno, doing: "remove \(directory)/.probe") }
    }

    /// Removes `entry` after its delivery (or after it was given up).
    package func remove(_ entry: SpoolEntry) throws(SpoolError) {
        guard unlink(directory + "/" + entry.fileName) == 0 || errno == ENOENT else {
            throw SpoolError(errno: errno, doing: "remove \(entry.fileName)")
        }
        try Self.syncDirectory(directory)
    }

    /// Every spooled entry, oldest first. An unreadable file is reported, not silently skipped.
    package func load() throws(SpoolError) -> [SpoolEntry] {
        let decoder = JSON.decoder()
        var entries: [SpoolEntry] = []
        for name in try Self.fileNames(in: directory).sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = directory + "/" + name
            let bytes: [UInt8]
            do {
                bytes = try WholeFile.read(path)
            } catch {
                throw SpoolError(message: "cannot read spooled notification \(path): \(error.reason)")
            }
            do {
                entries.append(try decoder.decode(SpoolEntry.self, from: Data(bytes)))
            } catch {
                throw SpoolError(message: "spooled notification \(path) is corrupt (\(error)); move it away to continue")
            }
        }
        return entries
    }

    private static func syncDirectory(_ directory: String) throws(SpoolError) {
        try durably { () throws(DurableFileError) in try DurableFile.syncDirectory(directory) }
    }

    /// Creates `path` and its missing parents with mode 0700.
    static func makeDirectory(_ path: String) throws(SpoolError) {
        try durably { () throws(DurableFileError) in try DurableFile.makeDirectory(path) }
    }

    /// Runs a `DurableFile` step, its failure as the spool's.
    private static func durably(_ step: () throws(DurableFileError) -> Void) throws(SpoolError) {
        do {
            try step()
        } catch {
            throw SpoolError(message: error.message)
        }
    }

    private static func fileNames(in directory: String) throws(SpoolError) -> [String] {
        guard let handle = opendir(directory) else { throw SpoolError(errno: errno, doing: "list \(directory)") }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// A spool operation failed; the message names the file and the system's reason.
package struct SpoolError: Error, Sendable, CustomStringConvertible {
    package var message: String

    package init(message: String) {
        self.message = message
    }

    package init(errno code: Int32, doing what: String) {
        message = DurableFileError(errno: code, doing: what).message
    }

    package var description: String { message }
}
