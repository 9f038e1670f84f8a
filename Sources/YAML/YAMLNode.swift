// A YAML document as a tree: scalars, sequences and mappings, each with where it was written.

/// A position in YAML text, 1-based, for error messages that point at a line.
package struct YAMLMark: Sendable, Equatable {
    /// The line, from 1.
    package var line: Int
    /// The column, from 1.
    package var column: Int

    /// Creates a mark from its parts.
    package init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}

/// A scalar as written: its text, whether it was plain (unquoted, so `null`, `true` and `15`
/// mean what YAML says) and its explicit tag, if any (`!!str 15` is the string "15").
package struct YAMLScalar: Sendable, Equatable {
    /// The text after YAML's unescaping and line folding.
    package var text: String
    /// True when the scalar was written without quotes or a block indicator.
    package var isPlain: Bool
    /// The explicit tag (`tag:yaml.org,2002:str` for `!!str`), nil when none was written.
    package var tag: String?

    /// Creates a scalar from its parts.
    package init(_ text: String, isPlain: Bool = true, tag: String? = nil) {
        self.text = text
        self.isPlain = isPlain
        self.tag = tag
    }

    /// Whether the scalar is YAML's null: a plain `~`, `null` (any case YAML allows) or nothing.
    package var isNull: Bool {
        isPlain && tag == nil && YAMLScalarSyntax.isNull(text)
    }
}

/// One node of a YAML document and the position it starts at.
package struct YAMLNode: Sendable {
    /// What a node holds.
    package enum Content: Sendable {
        /// A scalar.
        case scalar(YAMLScalar)
        /// A sequence, in order.
        case sequence([YAMLNode])
        /// A mapping, in the order written; keys are unique.
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    /// The node's content.
    package var content: Content
    /// Where the node starts (for a mapping entry, see `YAMLNode.entry(_:)`).
    package var mark: YAMLMark

    /// Creates a node from its parts.
    package init(_ content: Content, mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
        self.content = content
        self.mark = mark
    }

    /// The scalar, if this is one.
    package var scalar: YAMLScalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The elements, if this is a sequence.
    package var sequence: [YAMLNode]? {
        if case .sequence(let elements) = content { return elements }
        return nil
    }

    /// The entries, if this is a mapping.
    package var mapping: [(key: YAMLNode, value: YAMLNode)]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// Whether this is the merge key `<<` (plain, untagged).
    private var isMergeKey: Bool {
        scalar.map { $0.isPlain && $0.tag == nil && $0.text == "<<" } ?? false
    }

    /// The entries of a mapping with YAML's merge keys applied, as Yams applied them: a plain `<<`
    /// whose value is a mapping, or a list of mappings, contributes their entries (merged in turn);
    /// the mapping's own entries win, then the earlier mappings of the list. Nil if this is not a
    /// mapping; an error if a `<<` holds anything else.
    package func mergedEntries() throws(YAMLSyntaxError) -> [(key: YAMLNode, value: YAMLNode)]? {
        guard let entries = mapping else { return nil }
        guard entries.contains(where: { $0.key.isMergeKey }) else { return entries }
        var merged = entries.filter { !$0.key.isMergeKey }
        var keys = Set(merged.compactMap { $0.key.scalar?.text })
        for merge in entries where merge.key.isMergeKey {
            for source in merge.value.sequence ?? [merge.value] {
                guard let inherited = try source.mergedEntries() else {
                    throw YAMLSyntaxError(
                        problem: "a merge key (<<) takes a mapping or a list of mappings, not \(source.kindName)", mark: source.mark)
                }
                for entry in inherited where keys.insert(entry.key.scalar?.text ?? "").inserted {
                    merged.append(entry)
                }
            }
        }
        return merged
    }

    /// The entry of a mapping (merge keys applied) whose key is the scalar `key`.
    package func entry(_ key: String) -> (key: YAMLNode, value: YAMLNode)? {
        ((try? mergedEntries()) ?? mapping)?.first { $0.key.scalar?.text == key }
    }

    /// The value of a mapping's entry `key` (a convenience for reading a document by hand).
    package subscript(key: String) -> YAMLNode? {
        entry(key)?.value
    }

    /// Where the value at `path` (a decoding error's coding path) was written: for a mapping
    /// entry the line of its key, which is the line a person looks for; where the path leaves
    /// the document, the nearest node on it.
    package func mark(at path: [any CodingKey]) -> YAMLMark {
        var node = self
        var mark = self.mark
        for key in path {
            if let index = key.intValue, let elements = node.sequence, index < elements.count {
                node = elements[index]
                mark = node.mark
            } else if let entry = node.entry(key.stringValue) {
                mark = entry.key.mark
                node = entry.value
            } else {
                break
            }
        }
        return mark
    }

    /// What a person would call the node's kind, for error messages.
    package var kindName: String {
        switch content {
        case .scalar(let scalar): scalar.isNull ? "nothing" : "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}
