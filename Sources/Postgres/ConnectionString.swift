// Reads a libpq conninfo string or URI without connecting: validation, redaction, naming.
import CLibPQ

/// A parsed libpq connection string (`key=value ...` or `postgresql://` URI), as psql reads it.
package struct ConnectionString: Sendable {
    /// The original text, handed to libpq unchanged.
    package let text: String
    /// The options the string sets explicitly (keyword → value).
    package let options: [String: String]

    /// Parses `text` with libpq's own parser; the error message never contains the password.
    package init(_ text: String) throws(ConnectionStringError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let parsed = PQconninfoParse(text, &errorMessage) else {
            var reason = "it is not a valid libpq connection string or URI"
            if let errorMessage {
                reason = Self.scrub(String(cString: errorMessage), secretsOf: text)
                    .trimmingSuffix(while: { $0 == "\n" })
                PQfreemem(errorMessage)
            }
            throw ConnectionStringError(reason: reason)
        }
        defer { PQconninfoFree(parsed) }
        var options: [String: String] = [:]
        var option = parsed
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { options[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        self.text = text
        self.options = options
    }

    /// The host (or socket directory) and port the string names, with libpq's defaults filled in
    /// from `environment` (`PGHOST`, `PGPORT`), as `host:port`.
    package func defaultTargetName(environment: [String: String]) -> String {
        let host = options["host"] ?? options["hostaddr"] ?? environment["PGHOST"] ?? "localhost"
        let port = options["port"] ?? environment["PGPORT"] ?? "5432"
        return "\(host):\(port)"
    }

    /// `dsn` with the password of a `password=` option or of a URI's user info replaced by `***`.
    package static func redact(_ dsn: String) -> String {
        var result = dsn
        // key=value form and URI query parameter: password=secret, password = 'se cret'
        result.replace(#/(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)/#) { "\($0.output.1)***" }
        // URI user info: scheme://user:secret@host
        result.replace(#/(postgres(?:ql)?://[^:/@\s]*:)([^@\s]*)(@)/#) { "\($0.output.1)***\($0.output.3)" }
        return result
    }

    /// `message` with every password appearing in `dsn` replaced by `***`.
    static func scrub(_ message: String, secretsOf dsn: String) -> String {
        var secrets: [String] = []
        for match in dsn.matches(of: #/password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^\s&]+))/#) {
            if let quoted = match.output.1 { secrets.append(String(quoted)) }
            if let bare = match.output.2 { secrets.append(String(bare)) }
        }
        for match in dsn.matches(of: #/postgres(?:ql)?://[^:/@\s]*:([^@\s]*)@/#) {
            secrets.append(String(match.output.1))
        }
        var scrubbed = message
        for secret in secrets where !secret.isEmpty {
            scrubbed = scrubbed.replacing(secret, with: "***")
        }
        return scrubbed
    }
}

/// A connection string libpq cannot parse.
package struct ConnectionStringError: Error, Sendable {
    /// libpq's reason, with any password removed.
    package var reason: String
}

extension String {
    /// The string without trailing characters that satisfy `predicate`.
    func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var copy = self
        while let last = copy.last, predicate(last) { copy.removeLast() }
        return copy
    }
}
