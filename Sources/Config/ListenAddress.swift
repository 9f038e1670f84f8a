// The HTTP listen address: HOST:PORT, [IPv6]:PORT, or :PORT for all interfaces.

/// Where the HTTP server binds.
package struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host or IP to bind, nil for all interfaces.
    package var host: String?
    /// The TCP port (0 picks a free one).
    package var port: Int

    /// Parses `HOST:PORT`, `[IPV6]:PORT` or `:PORT`; nil when malformed.
    package init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            return nil  // an IPv6 address needs brackets
        }
        self.host = host.isEmpty ? nil : host
        self.port = port
    }

    /// What is wrong with `text` when it does not parse.
    package static func malformed(_ text: String) -> String {
        "\"\(text)\" is not HOST:PORT, [IPV6]:PORT or :PORT"
    }

    package var description: String {
        guard let host else { return ":\(port)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
