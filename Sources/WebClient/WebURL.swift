// An http:// or https:// URL taken apart for a request: where to connect, what to ask for, who we are.

/// The parts of an absolute http or https URL that a request needs. User info in the URL
/// (`https://user:password@host/`) becomes HTTP basic credentials, as curl sends them.
package struct WebURL: Sendable, Equatable {
    /// `http` or `https`.
    package var scheme: String
    /// The host name or address, without brackets around an IPv6 address.
    package var host: String
    /// The port, the scheme's default when the URL names none.
    package var port: Int
    /// The path and query (`/` when the URL has no path): the request's origin-form target.
    package var target: String
    /// The decoded user and password of the URL's user info, if it has some.
    package var credentials: (user: String, password: String)?
    /// Whether the URL names its port (a proxy's default port is not the scheme's).
    package private(set) var namesPort = false

    /// Whether the connection is TLS.
    package var isHTTPS: Bool { scheme == "https" }

    /// `host:port`, with brackets around an IPv6 address: the Host header and a CONNECT target.
    package var authority: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return (port == (isHTTPS ? 443 : 80) ? shown : "\(shown):\(port)")
    }

    /// The absolute-form target a plain-HTTP proxy is asked for.
    package var absoluteTarget: String { "\(scheme)://\(authority)\(target)" }

    /// Parses `text`; the error says what is wrong with it (never the URL itself, which may hold a secret).
    package init(_ text: String) throws(WebClientError) {
        // Nothing that could end a request line or a header: a URL is printable ASCII.
        guard text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw WebClientError("the URL holds a space, a control character or a non-ASCII byte (percent-encode it)")
        }
        guard let schemeEnd = text.firstRange(of: "://") else { throw WebClientError("the URL has no scheme (http:// or https://)") }
        scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { throw WebClientError("the URL's scheme is not http or https") }
        var rest = text[schemeEnd.upperBound...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let path = rest[authorityEnd...]
        target = path.isEmpty ? "/" : (path.first == "?" ? "/" + path : String(path))
        credentials = nil
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            let user = userInfo.prefix { $0 != ":" }
            let password = userInfo.dropFirst(user.count + 1)
            credentials = (Self.percentDecoded(user), Self.percentDecoded(password))
        }
        var portText: Substring = ""
        if authority.first == "[" {
            guard let close = authority.firstIndex(of: "]") else { throw WebClientError("the URL's IPv6 address has no closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw WebClientError("the URL has text after its IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else {
            host = String(authority)
        }
        guard !host.isEmpty else { throw WebClientError("the URL has no host") }
        namesPort = !portText.isEmpty
        if portText.isEmpty {
            port = scheme == "https" ? 443 : 80
        } else {
            guard portText.allSatisfy(\.isASCII), let number = Int(portText), (1...65535).contains(number) else {
                throw WebClientError("the URL's port is not a number from 1 to 65535")
            }
            port = number
        }
    }

    package static func == (lhs: WebURL, rhs: WebURL) -> Bool {
        lhs.scheme == rhs.scheme && lhs.host == rhs.host && lhs.port == rhs.port && lhs.target == rhs.target
            && lhs.credentials?.user == rhs.credentials?.user && lhs.credentials?.password == rhs.credentials?.password
    }

    /// `text` with its %XX escapes decoded (an escape that is not one stays as written).
    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why a request got no HTTP answer, or could not be made: said without the URL's secrets.
package struct WebClientError: Error, Sendable, CustomStringConvertible, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
