// Strict decoding: a key the config types do not know is an error, never silently ignored.

/// A coding key for any string, used to list the keys actually present in a mapping.
package struct AnyCodingKey: CodingKey {
    package var stringValue: String
    package var intValue: Int?
    package init(stringValue: String) { self.stringValue = stringValue }
    package init?(intValue: Int) {
        self.init(index: intValue)
    }
    /// The key of a list element.
    package init(index: Int) {
        self.stringValue = String(index)
        self.intValue = index
    }
}

extension Decoder {
    /// Throws if the mapping being decoded has a key that `Keys` does not list, naming the key and
    /// the ones that are allowed.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription:
                        "unknown field \"\(key.stringValue)\"; expected one of: \(Keys.allCases.map(\.stringValue).sorted().joined(separator: ", "))")
            )
        }
    }
}
