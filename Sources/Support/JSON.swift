// The one way the agent writes JSON: FoundationEssentials' JSONEncoder, configured the same everywhere.
import FoundationEssentials

/// JSON as the agent writes it: keys sorted (stable bytes for the spool, the endpoints and
/// tests), slashes left unescaped, non-finite numbers spelled as Prometheus does (`+Inf`, `-Inf`,
/// `NaN`, as strings), so encoding the agent's own value types cannot fail.
package enum JSON {
    /// A new encoder with the agent's settings.
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return encoder
    }

    /// A new decoder that reads what `encoder()` writes (non-finite numbers spelled as strings).
    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return decoder
    }

    /// `value` as JSON text. The agent encodes only its own types of strings, numbers, booleans
    /// and collections of them, which the encoder cannot fail on; were it to, the text says so
    /// as a JSON string rather than ending the process.
    package static func text(_ value: some Encodable) -> String {
        do {
            return String(decoding: try encoder().encode(value), as: UTF8.self)
        } catch {
            return "\"cannot encode: " + String(describing: error).filter { $0 != "\"" && $0 != "\\" && !$0.isNewline } + "\""
        }
    }
}

/// A successful answer of the JSON API, in the shape of Prometheus's HTTP API:
/// `{"data": …, "status": "success"}`.
package struct APISuccess<Payload: Encodable>: Encodable {
    /// Always `success`.
    package let status = "success"
    /// The answer.
    package var data: Payload

    /// Wraps `data`.
    package init(_ data: Payload) {
        self.data = data
    }
}
