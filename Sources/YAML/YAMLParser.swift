// Reads YAML text into a `YAMLNode` tree through libyaml's event parser, with bounds on what it builds.
import CYAML

/// Why YAML text could not be read, and where.
package struct YAMLSyntaxError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in libyaml's words or ours.
    package var problem: String
    /// Where, when known.
    package var mark: YAMLMark?

    package var description: String { problem }
}

/// Parses one YAML document. Anchors and aliases are resolved (an alias shares its anchor's
/// storage, so it costs no copy); what a hostile file could make unbounded is bounded: nesting
/// deeper than `maximumDepth` (aliases included), and documents whose aliases expand to more
/// than `maximumNodes` nodes (the "billion laughs"; a scalar counts one node per 64 bytes, so
/// aliases of a long string are bounded too), are errors. Duplicate keys in a mapping are errors
/// too (YAML forbids them, and silently keeping one would hide a mistake). Bytes that are not
/// UTF-8 are libyaml's error, with their position.
package enum YAMLParser {
    /// The deepest nesting accepted.
    package static let maximumDepth = 64
    /// The most nodes a document may hold once its aliases are expanded.
    package static let maximumNodes = 1_000_000

    /// The document in `text`, or nil when the text holds none (empty, or only comments).
    package static func parse(_ text: String) throws(YAMLSyntaxError) -> YAMLNode? {
        try parse(bytes: Array(text.utf8))
    }

    /// The document in `bytes` (UTF-8), or nil when they hold none.
    package static func parse(bytes: [UInt8]) throws(YAMLSyntaxError) -> YAMLNode? {
        guard !bytes.isEmpty else { return nil }
        var builder = TreeBuilder()
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw YAMLSyntaxError(problem: "cannot start the YAML parser") }
        defer { yaml_parser_delete(&parser) }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLSyntaxError) -> YAMLNode? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError(parser, bytes: buffer) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return builder.document }
                try builder.consume(event)
            }
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, bytes: UnsafeBufferPointer<UInt8>) -> YAMLSyntaxError {
        let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
        let context = parser.context.map { String(cString: $0) }
        var mark = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
        if parser.error == YAML_READER_ERROR {
            // The reader (encoding, control characters) reports a byte offset, not a mark.
            mark = position(ofByte: Int(parser.problem_offset), in: bytes)
        }
        return YAMLSyntaxError(problem: context.map { "\(problem) \($0)" } ?? problem, mark: mark)
    }

    /// The line and column (in characters, as libyaml counts) of the byte at `offset`.
    private static func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> YAMLMark {
        var mark = YAMLMark(line: 1, column: 1)
        for byte in bytes.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                mark = YAMLMark(line: mark.line + 1, column: 1)
            } else if byte & 0xC0 != 0x80 {
                mark.column += 1
            }
        }
        return mark
    }
}

/// Assembles nodes from parser events with an explicit stack (no recursion, whatever the input).
private struct TreeBuilder {
    /// A collection being read: its elements so far, and its anchor.
    private struct Open {
        var isMapping: Bool
        var mark: YAMLMark
        var anchor: String?
        var children: [YAMLNode] = []
        /// The height of its tallest child (a scalar is 0, a collection 1 more than its tallest child).
        var childHeight = -1
        /// The keys read so far, to report a duplicate.
        var keys: Set<String> = []
    }

    private var stack: [Open] = []
    private var anchors: [String: (node: YAMLNode, size: Int, height: Int)] = [:]
    private var sizes: [Int] = [0]
    private(set) var document: YAMLNode?
    private var documents = 0

    mutating func consume(_ event: yaml_event_t) throws(YAMLSyntaxError) {
        let mark = YAMLMark(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            guard documents == 1 else { throw YAMLSyntaxError(problem: "more than one document (a second ---)", mark: mark) }
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let text = Self.string(data.value, length: data.length) ?? ""
            let scalar = YAMLScalar(text, isPlain: data.style == YAML_PLAIN_SCALAR_STYLE, tag: Self.string(data.tag))
            try add(YAMLNode(.scalar(scalar), mark: mark), size: 1 + Int(data.length) / 64, height: 0, anchor: Self.string(data.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else { throw YAMLSyntaxError(problem: "unknown alias *\(name)", mark: mark) }
            guard stack.count + anchored.height <= YAMLParser.maximumDepth else {
                throw YAMLSyntaxError(problem: "nested deeper than \(YAMLParser.maximumDepth) levels (through the alias *\(name))", mark: mark)
            }
            try add(anchored.node, size: anchored.size, height: anchored.height, anchor: nil)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            guard stack.count < YAMLParser.maximumDepth else {
                throw YAMLSyntaxError(problem: "nested deeper than \(YAMLParser.maximumDepth) levels", mark: mark)
            }
            let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
            stack.append(Open(isMapping: event.type == YAML_MAPPING_START_EVENT, mark: mark, anchor: Self.string(anchor)))
            sizes.append(0)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let open = stack.popLast(), let size = sizes.popLast() else { return }
            let content: YAMLNode.Content
            if open.isMapping {
                content = .mapping(stride(from: 0, to: open.children.count - 1, by: 2).map { (open.children[$0], open.children[$0 + 1]) })
            } else {
                content = .sequence(open.children)
            }
            try add(YAMLNode(content, mark: open.mark), size: size + 1, height: open.childHeight + 1, anchor: open.anchor)
        default:
            break
        }
    }

    /// Adds a finished node to the collection being read, or makes it the document.
    private mutating func add(_ node: YAMLNode, size: Int, height: Int, anchor: String?) throws(YAMLSyntaxError) {
        if let anchor { anchors[anchor] = (node, size, height) }
        guard let index = sizes.indices.last else { return }
        sizes[index] += size
        guard sizes.reduce(0, +) <= YAMLParser.maximumNodes else {
            throw YAMLSyntaxError(problem: "aliases expand to more than \(YAMLParser.maximumNodes) nodes", mark: node.mark)
        }
        guard var open = stack.popLast() else {
            document = node
            return
        }
        defer { stack.append(open) }
        open.childHeight = max(open.childHeight, height)
        if open.isMapping && open.children.count % 2 == 0 {
            guard let key = node.scalar?.text else {
                throw YAMLSyntaxError(problem: "a mapping key must be a scalar, not \(node.kindName)", mark: node.mark)
            }
            guard open.keys.insert(key).inserted else { throw YAMLSyntaxError(problem: "duplicate key \"\(key)\"", mark: node.mark) }
        }
        open.children.append(node)
    }

    /// The text at `pointer`: `length` bytes, or up to its terminating zero.
    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?, length: Int? = nil) -> String? {
        guard let pointer else { return nil }
        guard let length else { return String(cString: pointer) }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}
