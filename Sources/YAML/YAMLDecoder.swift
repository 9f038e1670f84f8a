// Decodes `Decodable` values from a YAML node tree, with errors that say what was expected and found.

/// Decodes values from YAML. Errors are `DecodingError`s whose coding path leads to the node
/// (`YAMLNode.locate` turns it into a line and column) and whose description reads as a sentence:
/// "expected an integer, found \"ten\"". Mappings decode to keyed containers, sequences to
/// unkeyed ones, scalars to strings, booleans and numbers as `YAMLScalarSyntax` reads them.
package struct YAMLDecoder {
    /// A decoder.
    package init() {}

    /// `T` from `node`.
    package func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode) throws -> T {
        try T(from: NodeDecoder(node: node, codingPath: []))
    }

    /// `T` from the YAML document in `text` (an empty document is a `valueNotFound` error).
    package func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        guard let node = try YAMLParser.parse(text) else {
            throw DecodingError.valueNotFound(T.self, DecodingError.Context(codingPath: [], debugDescription: "the document is empty"))
        }
        return try decode(type, from: node)
    }
}

/// The description of a value's kind that errors use: "an integer", "true or false".
func expectedName(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Bool.Type: "true or false"
    case is Double.Type, is Float.Type: "a number"
    case is any FixedWidthInteger.Type: "an integer"
    default: "a value of type \(type)"
    }
}

/// What a node is, for "found …": a scalar's text, or its kind.
func foundName(_ node: YAMLNode) -> String {
    if let scalar = node.scalar, !scalar.isNull { return "\"\(scalar.text)\"" }
    return node.kindName
}

/// The decoder over one node.
struct NodeDecoder: Decoder {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let merged: [(key: YAMLNode, value: YAMLNode)]?
        do {
            merged = try node.mergedEntries()
        } catch {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: error.problem))
        }
        guard let entries = merged else {
            throw DecodingError.typeMismatch(
                [String: Any].self, DecodingError.Context(codingPath: codingPath, debugDescription: "expected a mapping, found \(foundName(node))"))
        }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(entries: entries, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let elements = node.sequence else {
            throw DecodingError.typeMismatch(
                [Any].self, DecodingError.Context(codingPath: codingPath, debugDescription: "expected a list, found \(foundName(node))"))
        }
        return UnkeyedNodeContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        ScalarNodeContainer(node: node, codingPath: codingPath)
    }
}

/// A mapping's entries by key.
struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let codingPath: [any CodingKey]
    private let values: [String: YAMLNode]
    /// The keys as written, in order.
    private let written: [String]

    init(entries: [(key: YAMLNode, value: YAMLNode)], codingPath: [any CodingKey]) {
        self.codingPath = codingPath
        written = entries.compactMap { $0.key.scalar?.text }
        values = Dictionary(entries.compactMap { entry in entry.key.scalar.map { ($0.text, entry.value) } }, uniquingKeysWith: { first, _ in first })
    }

    var allKeys: [Key] { written.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { values[key.stringValue] != nil }

    private func node(_ key: Key) throws -> YAMLNode {
        guard let node = values[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, DecodingError.Context(codingPath: codingPath, debugDescription: "the required field \"\(key.stringValue)\" is missing"))
        }
        return node
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try node(key).scalar?.isNull == true
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try T(from: NodeDecoder(node: try node(key), codingPath: codingPath + [key]))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try NodeDecoder(node: try node(key), codingPath: codingPath + [key]).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try NodeDecoder(node: try node(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: "inheritance is not supported"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        NodeDecoder(node: try node(key), codingPath: codingPath + [key])
    }
}

/// A sequence's elements in order.
struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let codingPath: [any CodingKey]
    private let elements: [YAMLNode]
    private(set) var currentIndex = 0

    init(elements: [YAMLNode], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element's decoder; the index moves on once its value is decoded.
    private func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any.self, DecodingError.Context(codingPath: codingPath, debugDescription: "the list ends after \(elements.count) elements"))
        }
        return NodeDecoder(node: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        let isNull = try next().node.scalar?.isNull == true
        if isNull { currentIndex += 1 }
        return isNull
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try T(from: try next())
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try next().container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try next().unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = try next()
        currentIndex += 1
        return decoder
    }
}

/// The key of a sequence element: its index.
struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ index: Int) {
        stringValue = String(index)
        intValue = index
    }

    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

/// A scalar read as a string, boolean or number.
struct ScalarNodeContainer: SingleValueDecodingContainer {
    let node: YAMLNode
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { node.scalar?.isNull == true }

    /// The scalar's text, or the error that `type` was expected.
    private func text(for type: Any.Type) throws -> String {
        guard let scalar = node.scalar else {
            throw DecodingError.typeMismatch(
                type, DecodingError.Context(codingPath: codingPath, debugDescription: "expected \(expectedName(type)), found \(foundName(node))"))
        }
        guard !scalar.isNull else {
            throw DecodingError.valueNotFound(
                type, DecodingError.Context(codingPath: codingPath, debugDescription: "expected \(expectedName(type)), found nothing"))
        }
        return scalar.text
    }

    private func mismatch(_ type: Any.Type) -> DecodingError {
        DecodingError.typeMismatch(
            type, DecodingError.Context(codingPath: codingPath, debugDescription: "expected \(expectedName(type)), found \(foundName(node))"))
    }

    func decode(_ type: String.Type) throws -> String { try text(for: type) }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let value = YAMLScalarSyntax.bool(try text(for: type)) else { throw mismatch(type) }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let value = YAMLScalarSyntax.number(try text(for: type)) else { throw mismatch(type) }
        return value
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let value = YAMLScalarSyntax.integer(try text(for: type), as: type) else { throw mismatch(type) }
        return value
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try T(from: NodeDecoder(node: node, codingPath: codingPath))
    }
}
