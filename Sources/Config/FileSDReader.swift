// Reads file_sd files into targets: globs expanded, each file parsed on its own, errors located.
import Support

#if canImport(Glibc)
import Glibc
#endif

/// What one `file_sd:` entry's files say now. Each file stands alone: one that does not read or
/// parse is reported with its error, and the caller keeps what it held before.
package enum FileSDReader {
    /// A file's state on disk, to tell whether it changed: its path, size and modification time.
    package struct Stamp: Sendable, Hashable {
        package var path: String
        var size: Int
        var modified: Int
        var modifiedNanoseconds: Int
    }

    /// The files `patterns` match now, sorted, each with its stamp.
    package static func matches(_ patterns: [String]) -> [Stamp] {
        var stamps: Set<Stamp> = []
        for pattern in patterns {
            var found = glob_t()
            defer { globfree(&found) }
            guard glob(pattern, 0, nil, &found) == 0 else { continue }
            for index in 0..<Int(found.gl_pathc) {
                guard let cPath = found.gl_pathv[index] else { continue }
                let path = String(cString: cPath)
                var status = stat()
                guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
                stamps.insert(
                    Stamp(path: path, size: Int(status.st_size), modified: status.st_mtim.tv_sec, modifiedNanoseconds: status.st_mtim.tv_nsec))
            }
        }
        return stamps.sorted { $0.path < $1.path }
    }

    /// The targets of the file at `path`, made by `entry`'s template: named `host:port` (port 5432
    /// when the file gives none), with the group's labels but those starting with `__`
    /// (Prometheus's reserved ones). A problem names the file, and the line and field when it can.
    package static func targets(in path: String, entry: FileSDConfig) -> Result<[TargetConfig], ConfigError> {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path)
        } catch {
            return .failure(ConfigError(file: path, field: "", message: "cannot read it: \(error.reason)"))
        }
        // An empty file is one being written in place (truncated, not yet filled): not "no targets".
        guard bytes.contains(where: { ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r")].contains($0) }) else {
            return .failure(ConfigError(file: path, field: "", message: "is empty (write target files elsewhere and rename them into place)"))
        }
        let groups: [FileSDGroup]
        do {
            groups = try ConfigLoader.decode([FileSDGroup].self, yaml: bytes, file: path, empty: []).0
        } catch {
            return .failure(error)
        }
        var targets: [TargetConfig] = []
        for (groupIndex, group) in groups.enumerated() {
            for (index, address) in group.targets.enumerated() {
                guard let (host, port) = hostAndPort(address) else {
                    return .failure(
                        ConfigError(
                            file: path, field: "[\(groupIndex)].targets[\(index)]",
                            message: "\"\(address)\" is not host:port (a name or address, [IPv6]:port, port 1 to 65535)"))
                }
                var target = TargetConfig(name: authority(host, port), dsn: dsn(entry.dsnTemplate, host: host, port: port))
                target.labels = (group.labels ?? [:]).filter { !$0.key.hasPrefix("__") }
                targets.append(target)
            }
        }
        return .success(targets)
    }

    /// `template` with `{{host}}`, `{{port}}` and `{{address}}` (`host:port`, `[v6]:port`) replaced.
    static func dsn(_ template: String, host: String, port: Int) -> String {
        template.replacing("{{host}}", with: host).replacing("{{port}}", with: String(port))
            .replacing("{{address}}", with: authority(host, port))
    }

    /// `host:port`, with brackets around an IPv6 address.
    static func authority(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// The host and port of `address` (`host`, `host:port`, `[v6]:port`); nil when it is neither a
    /// plain name or address (letters, digits, `.`, `-`, `_`, `:` inside brackets) nor has a valid port.
    static func hostAndPort(_ address: String) -> (String, Int)? {
        var host = Substring(address)
        var port = 5432
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()), (1...65535).contains(number) else { return nil }
                port = number
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
            return (String(host), port)
        }
        if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (1...65535).contains(number) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }) else { return nil }
        return (String(host), port)
    }
}
