// Encodes `Encodable` values as YAML text: block style, fields in the order the type encodes them.

/// Encodes values as YAML for people to read (`check-config` prints the effective config with it).
/// Strings are written plain when that reads back as the same string, and double-quoted otherwise.
package struct YAMLEncoder {
    /// An encoder.
    package init() {}

    /// `value` as a YAML document.
    package func encode<T: Encodable>(_ value: T) throws -> String {
        let root = EncodedValue()
        try value.encode(to: NodeEncoder(value: root, codingPath: []))
        return YAMLEmitter.text(of: root.node)
    }
}

/// A value being encoded; containers fill it in place, so nested containers can be handed out.
final class EncodedValue {
    /// What was encoded so far.
    enum Content {
        case nothing
        case scalar(YAMLScalar)
        case sequence([EncodedValue])
        case mapping([(key: String, value: EncodedValue)])
    }

    var content = Content.nothing

    /// The finished tree (nothing encoded reads as null).
    var node: YAMLNode {
        switch content {
        case .nothing: YAMLNode(.scalar(YAMLScalar("null")))
        case .scalar(let scalar): YAMLNode(.scalar(scalar))
        case .sequence(let elements): YAMLNode(.sequence(elements.map(\.node)))
        case .mapping(let entries): YAMLNode(.mapping(entries.map { (YAMLNode(.scalar(YAMLScalar($0.key, isPlain: false))), $0.value.node) }))
        }
    }

    /// Appends an entry to the mapping this value becomes, and returns the entry's value.
    func entry(_ key: String) -> EncodedValue {
        let value = EncodedValue()
        if case .mapping(var entries) = content {
            entries.append((key, value))
            content = .mapping(entries)
        } else {
            content = .mapping([(key, value)])
        }
        return value
    }

    /// Appends an element to the sequence this value becomes, and returns it.
    func element() -> EncodedValue {
        let value = EncodedValue()
        if case .sequence(var elements) = content {
            elements.append(value)
            content = .sequence(elements)
        } else {
            content = .sequence([value])
        }
        return value
    }

    /// Makes this value an empty mapping or sequence if nothing was put in it yet.
    func becomeEmpty(mapping: Bool) {
        guard case .nothing = content else { return }
        content = mapping ? .mapping([]) : .sequence([])
    }
}

/// The encoder over one value.
struct NodeEncoder: Encoder {
    let value: EncodedValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        value.becomeEmpty(mapping: true)
        return KeyedEncodingContainer(KeyedNodeEncodingContainer<Key>(value: value, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        value.becomeEmpty(mapping: false)
        return UnkeyedNodeEncodingContainer(value: value, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        ScalarNodeEncodingContainer(value: value, codingPath: codingPath)
    }
}

/// Writes a mapping's entries.
struct KeyedNodeEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let value: EncodedValue
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) {
        value.entry(key.stringValue).content = .scalar(YAMLScalar("null"))
    }

    mutating func encode<T: Encodable>(_ element: T, forKey key: Key) throws {
        try element.encode(to: NodeEncoder(value: value.entry(key.stringValue), codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(value: value.entry(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(value: value.entry(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(value: value.entry("super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(value: value.entry(key.stringValue), codingPath: codingPath + [key])
    }
}

/// Writes a sequence's elements.
struct UnkeyedNodeEncodingContainer: UnkeyedEncodingContainer {
    let value: EncodedValue
    let codingPath: [any CodingKey]
    private(set) var count = 0

    init(value: EncodedValue, codingPath: [any CodingKey]) {
        self.value = value
        self.codingPath = codingPath
    }

    /// The next element and its coding path.
    private mutating func next() -> NodeEncoder {
        defer { count += 1 }
        return NodeEncoder(value: value.element(), codingPath: codingPath + [IndexKey(count)])
    }

    mutating func encodeNil() {
        next().value.content = .scalar(YAMLScalar("null"))
    }

    mutating func encode<T: Encodable>(_ element: T) throws {
        try element.encode(to: next())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        next().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        next().unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        next()
    }
}

/// Writes one scalar: strings as strings, numbers and booleans plain.
struct ScalarNodeEncodingContainer: SingleValueEncodingContainer {
    let value: EncodedValue
    let codingPath: [any CodingKey]

    private func set(plain text: String) {
        value.content = .scalar(YAMLScalar(text))
    }

    mutating func encodeNil() { set(plain: "null") }
    mutating func encode(_ element: Bool) { set(plain: element ? "true" : "false") }
    mutating func encode(_ element: String) { value.content = .scalar(YAMLScalar(element, isPlain: false)) }

    mutating func encode(_ element: Double) {
        if element.isNaN {
            set(plain: ".nan")
        } else if element.isInfinite {
            set(plain: element < 0 ? "-.inf" : ".inf")
        } else {
            set(plain: "\(element)")
        }
    }

    mutating func encode(_ element: Float) { encode(Double(element)) }
    mutating func encode(_ element: Int) { set(plain: "\(element)") }
    mutating func encode(_ element: Int8) { set(plain: "\(element)") }
    mutating func encode(_ element: Int16) { set(plain: "\(element)") }
    mutating func encode(_ element: Int32) { set(plain: "\(element)") }
    mutating func encode(_ element: Int64) { set(plain: "\(element)") }
    mutating func encode(_ element: UInt) { set(plain: "\(element)") }
    mutating func encode(_ element: UInt8) { set(plain: "\(element)") }
    mutating func encode(_ element: UInt16) { set(plain: "\(element)") }
    mutating func encode(_ element: UInt32) { set(plain: "\(element)") }
    mutating func encode(_ element: UInt64) { set(plain: "\(element)") }

    mutating func encode<T: Encodable>(_ element: T) throws {
        try element.encode(to: NodeEncoder(value: value, codingPath: codingPath))
    }
}
