// What a file looks like from outside: enough to tell that it changed without reading it.
#if canImport(Glibc)
import Glibc
#endif

/// What tells a changed file from an unchanged one without reading it: device, inode, size and
/// modification and change times (a file replaced by rename has a new inode; one rewritten in
/// place, a new mtime).
package struct FileStamp: Hashable, Sendable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: [Int]

    /// The stamp of `path`, nil when it cannot be stat'ed.
    package init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        device = UInt64(status.st_dev)
        inode = UInt64(status.st_ino)
        size = Int64(status.st_size)
        modified = [status.st_mtim.tv_sec, status.st_mtim.tv_nsec, status.st_ctim.tv_sec, status.st_ctim.tv_nsec]
    }
}
