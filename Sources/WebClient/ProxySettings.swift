// Which proxy a request goes through, from the environment variables curl and most tools read.

/// The proxies of the environment, as curl reads them: `http_proxy` for http URLs (lower case
/// only, so a CGI's `Proxy:` header cannot set it), `https_proxy` or `HTTPS_PROXY` for https URLs,
/// and `no_proxy` / `NO_PROXY`: hosts reached directly, a comma-separated list of names (each
/// also matching its subdomains, a leading dot allowed), addresses, or `*` for all. A proxy is an
/// `http://[user:password@]host[:port]` URL (scheme optional, port 1080 by default, as in curl);
/// an https URL is tunnelled through it with CONNECT, an http one asked for in absolute form.
package struct ProxySettings: Sendable {
    /// The proxy of http URLs.
    var http: WebURL?
    /// The proxy of https URLs.
    var https: WebURL?
    /// The `no_proxy` entries, lower case, without leading dots.
    var bypass: [String]

    /// No proxy at all.
    package static let none = ProxySettings(http: nil, https: nil, bypass: [])

    /// A proxy variable that is not an http proxy URL.
    package struct Problem: Error, Sendable {
        /// The environment variable.
        package var variable: String
        /// What is wrong with its value (never the value, which may hold a password).
        package var message: String
    }

    /// The settings of `environment`; a proxy variable that is not an http proxy URL throws.
    package init(environment: [String: String]) throws(Problem) {
        http = try Self.proxy(environment, "http_proxy")
        if let lowerCase = try Self.proxy(environment, "https_proxy") {
            https = lowerCase
        } else {
            https = try Self.proxy(environment, "HTTPS_PROXY")
        }
        bypass = (environment["no_proxy"] ?? environment["NO_PROXY"] ?? "").split(separator: ",").map {
            var entry = $0.trimmingCharacters(in: " \t").lowercased()
            while entry.hasPrefix(".") { entry.removeFirst() }
            return entry
        }.filter { !$0.isEmpty }
    }

    private init(http: WebURL?, https: WebURL?, bypass: [String]) {
        self.http = http
        self.https = https
        self.bypass = bypass
    }

    /// The proxy `url` goes through; nil when it goes directly.
    package func proxy(for url: WebURL) -> WebURL? {
        guard let proxy = url.isHTTPS ? https : http else { return nil }
        let host = url.host.lowercased()
        let bypassed = bypass.contains { $0 == "*" || host == $0 || host.hasSuffix("." + $0) }
        return bypassed ? nil : proxy
    }

    /// The proxy named by the environment variable `name`, nil when it is unset or empty.
    private static func proxy(_ environment: [String: String], _ name: String) throws(Problem) -> WebURL? {
        guard let value = environment[name]?.trimmingCharacters(in: " \t"), !value.isEmpty else { return nil }
        let text = value.contains("://") ? value : "http://" + value
        guard text.lowercased().hasPrefix("http://") else {
            throw Problem(variable: name, message: "only http:// proxies are supported")
        }
        var proxy: WebURL
        do {
            proxy = try WebURL(text)
        } catch {
            throw Problem(variable: name, message: error.message)
        }
        if !proxy.namesPort { proxy.port = 1080 }
        return proxy
    }
}

extension String {
    /// The string without the characters of `set` at its start and end.
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

extension Substring {
    /// The substring without the characters of `set` at its start and end.
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(self).trimmingCharacters(in: set)
    }
}
