// What a reload changed in a list of named things (targets, rules, receivers): added, removed, changed.

/// The names added, removed and changed between two lists of named values, each sorted; a name
/// twice in a list counts once (its first value), as the config's checks refuse such lists anyway.
struct NamedChanges {
    var added: [String]
    var removed: [String]
    var changed: [String]

    /// Compares `before` and `after`, each as (name, value) in config order.
    init<Value: Equatable>(_ before: [(String, Value)], _ after: [(String, Value)]) {
        let old = Dictionary(before, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(after, uniquingKeysWith: { first, _ in first })
        added = new.keys.filter { old[$0] == nil }.sorted()
        removed = old.keys.filter { new[$0] == nil }.sorted()
        changed = new.filter { name, value in old[name].map { $0 != value } ?? false }.keys.sorted()
    }

    /// "added KIND a,b", "removed KIND c", "changed KIND d": the parts that are not empty.
    func summary(of kind: String) -> [String] {
        [("added", added), ("removed", removed), ("changed", changed)].filter { !$0.1.isEmpty }.map {
            "\($0.0) \(kind) \($0.1.joined(separator: ","))"
        }
    }
}
