// A swift-log handler writing one line per event to stderr, as logfmt or JSON.
import FoundationEssentials
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The line formats the agent logs in.
package enum LogFormat: String, Sendable, CaseIterable {
    /// `time=… level=info msg="…" key=value`
    case logfmt
    /// `{"time":"…","level":"info","msg":"…","key":"value"}`
    case json
}

/// Writes log events to stderr, one line each, in `format`.
package struct StderrLogHandler: LogHandler {
    /// The line format.
    package let format: LogFormat
    package var logLevel: Logger.Level
    package var metadata: Logger.Metadata = [:]

    /// Creates a handler for `format` at `level`.
    package init(format: LogFormat, level: Logger.Level) {
        self.format = format
        self.logLevel = level
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var fields = metadata.merging(event.metadata ?? [:]) { _, new in new }.map { ($0.key, "\($0.value)") }.sorted { $0.0 < $1.0 }
        fields.insert(
            contentsOf: [
                ("time", Date().formatted(.iso8601)), ("level", event.level.rawValue), ("msg", event.message.description),
            ], at: 0)
        var line = Self.render(fields, format: format) + "\n"
        // One write(2) per line, so lines from concurrent tasks never interleave.
        line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
    }

    /// One log line of `fields` in `format`.
    package static func render(_ fields: [(String, String)], format: LogFormat) -> String {
        switch format {
        case .json:
            return JSON.text(Dictionary(fields, uniquingKeysWith: { first, _ in first }))
        case .logfmt:
            return fields.map { key, value in
                let needsQuotes = value.isEmpty || value.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0 == "\n" }
                return "\(key)=\(needsQuotes ? JSON.text(value) : value)"
            }.joined(separator: " ")
        }
    }
}
