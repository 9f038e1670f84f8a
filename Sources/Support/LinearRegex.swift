// A regular expression matched in time linear in the text: a Thompson NFA run as a Pike VM.

/// A regular expression in RE2's syntax (what PromQL label matchers and Prometheus use), matched
/// against the whole text like PromQL's `=~`. Unlike a backtracking engine (Swift's `Regex`,
/// PCRE), the cost of a match is at most (program size) × (text length + 1) steps, whatever the
/// pattern, so a pattern from a request cannot stall the agent. The pattern's length, its group
/// nesting and its compiled size are bounded; a pattern over a limit is an error naming the limit.
///
/// Immutable and `Sendable`: compile once, match from any thread.
package struct LinearRegex: Sendable, CustomStringConvertible {
    /// Limits on a pattern.
    package struct Limits: Sendable {
        /// The longest pattern, in bytes of UTF-8.
        var maximumPatternBytes = 4096
        /// The deepest nesting of groups.
        var maximumNesting = 32
        /// The most instructions the compiled program may have (repetitions such as `{100}` copy their operand).
        var maximumProgramSize = 10_000
    }

    /// The pattern as written.
    package let pattern: String
    private let program: [RegexInstruction]

    /// Compiles `pattern`; throws naming the column and the reason when it does not parse or is over a limit.
    package init(_ pattern: String, limits: Limits = Limits()) throws(RegexSyntaxError) {
        guard pattern.utf8.count <= limits.maximumPatternBytes else {
            throw RegexSyntaxError(
                column: 1, message: "the pattern is \(pattern.utf8.count) bytes long; at most \(limits.maximumPatternBytes) are allowed")
        }
        let tree = try RegexParser.parse(pattern, maximumNesting: limits.maximumNesting)
        var compiler = RegexCompiler(maximumSize: limits.maximumProgramSize)
        guard compiler.emit(tree), compiler.append(.match) else {
            throw RegexSyntaxError(
                column: 1, message: "the pattern compiles to more than \(limits.maximumProgramSize) instructions; shorten its repetitions")
        }
        self.pattern = pattern
        self.program = compiler.program
    }

    /// Whether the whole of `text` matches.
    package func wholeMatch(_ text: String) -> Bool {
        var unlimited = Int.max
        return wholeMatch(text, budget: &unlimited) ?? false
    }

    /// Whether the whole of `text` matches, spending at most `budget` steps (one step is one
    /// instruction visited by one thread, plus the program's size to start); nil when the budget
    /// ran out before the answer.
    package func wholeMatch(_ text: String, budget: inout Int) -> Bool? {
        PikeMachine(program: program).run(text.unicodeScalars, budget: &budget)
    }

    package var description: String { pattern }
}

/// One instruction of a compiled pattern.
enum RegexInstruction: Sendable {
    /// Consume one scalar in the set, or the thread dies.
    case scalar(ScalarSet)
    /// Continue at both targets (an alternation or a loop).
    case split(Int, Int)
    /// Continue at the target.
    case jump(Int)
    /// Continue only at the start or only at the end of the text.
    case atStart
    case atEnd
    /// The whole pattern matched.
    case match
}

/// Compiles a `RegexNode` into instructions, stopping at `maximumSize` instructions, or after as
/// many `emit` calls: a repetition of something that compiles to nothing (`(){1000}`, `a{0}`)
/// adds no instruction, and nested ones would otherwise loop 1000ⁿ times.
struct RegexCompiler {
    package private(set) var program: [RegexInstruction] = []
    private let maximumSize: Int
    private var remainingEmits: Int

    package init(maximumSize: Int) {
        self.maximumSize = maximumSize
        remainingEmits = maximumSize
    }

    /// Appends `instruction`; false when the program would exceed its limit.
    package mutating func append(_ instruction: RegexInstruction) -> Bool {
        guard program.count < maximumSize else { return false }
        program.append(instruction)
        return true
    }

    /// Emits the instructions of `node`; false when the program would exceed its limit.
    mutating func emit(_ node: RegexNode) -> Bool {
        remainingEmits -= 1
        guard remainingEmits >= 0 else { return false }
        switch node {
        case .empty:
            return true
        case .scalar(let set):
            return append(.scalar(set))
        case .textStart:
            return append(.atStart)
        case .textEnd:
            return append(.atEnd)
        case .concatenation(let parts):
            return parts.allSatisfy { emit($0) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split … ; the last branch falls through.
            var jumpsToEnd: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    guard append(.split(split + 1, -1)), emit(branch), append(.jump(-1)) else { return false }
                    jumpsToEnd.append(program.count - 1)
                    program[split] = .split(split + 1, program.count)
                } else {
                    guard emit(branch) else { return false }
                }
            }
            for jump in jumpsToEnd { program[jump] = .jump(program.count) }
            return true
        case .repetition(let inner, let minimum, let maximum):
            for _ in 0..<minimum where !emit(inner) { return false }
            guard let maximum else {
                // loop: split body, end; body; jump loop.
                let loop = program.count
                guard append(.split(loop + 1, -1)), emit(inner), append(.jump(loop)) else { return false }
                program[loop] = .split(loop + 1, program.count)
                return true
            }
            // Each optional copy: split body, end (patched once the end is known).
            var splits: [Int] = []
            for _ in minimum..<maximum {
                splits.append(program.count)
                guard append(.split(program.count + 1, -1)), emit(inner) else { return false }
            }
            for split in splits { program[split] = .split(split + 1, program.count) }
            return true
        }
    }
}

/// Runs a program over a text keeping every live thread at once (a Pike VM without captures):
/// each scalar is looked at once, by at most one thread per instruction.
struct PikeMachine {
    private let program: [RegexInstruction]

    package init(program: [RegexInstruction]) {
        self.program = program
    }

    /// Whether the program matches all of `text`; nil when `budget` runs out first. Setting up
    /// costs the program's size (two thread sets of that many slots).
    package func run(_ text: String.UnicodeScalarView, budget: inout Int) -> Bool? {
        budget -= program.count
        guard budget >= 0 else { return nil }
        var current = SparseSet(capacity: program.count)
        var next = SparseSet(capacity: program.count)
        var stack: [Int] = []
        var index = text.startIndex
        guard addThreads(from: 0, into: &current, stack: &stack, atStart: true, atEnd: index == text.endIndex, budget: &budget) else { return nil }
        while index != text.endIndex {
            let scalar = text[index]
            text.formIndex(after: &index)
            next.removeAll()
            for pc in current.elements {
                guard case .scalar(let set) = program[pc], set.contains(scalar) else { continue }
                guard addThreads(from: pc + 1, into: &next, stack: &stack, atStart: false, atEnd: index == text.endIndex, budget: &budget) else {
                    return nil
                }
            }
            swap(&current, &next)
            if current.elements.isEmpty { return false }
        }
        return current.elements.contains { if case .match = program[$0] { true } else { false } }
    }

    /// Adds the thread at `pc` and every thread reachable from it without consuming a scalar;
    /// false when the budget ran out.
    private func addThreads(
        from pc: Int, into set: inout SparseSet, stack: inout [Int], atStart: Bool, atEnd: Bool, budget: inout Int
    ) -> Bool {
        stack.append(pc)
        while let pc = stack.popLast() {
            guard set.insert(pc) else { continue }
            budget -= 1
            if budget < 0 {
                stack.removeAll()
                return false
            }
            switch program[pc] {
            case .jump(let target): stack.append(target)
            case .split(let first, let second): stack.append(contentsOf: [second, first])
            case .atStart: if atStart { stack.append(pc + 1) }
            case .atEnd: if atEnd { stack.append(pc + 1) }
            case .scalar, .match: break
            }
        }
        return true
    }
}

/// A set of small integers with constant-time insert, membership and clear, iterated in insertion order.
struct SparseSet {
    private var dense: [Int] = []
    private var sparse: [Int]

    package init(capacity: Int) {
        sparse = Array(repeating: 0, count: capacity)
        dense.reserveCapacity(capacity)
    }

    /// The members in insertion order.
    package var elements: [Int] { dense }

    /// Inserts `value`; false if it was already there.
    package mutating func insert(_ value: Int) -> Bool {
        let slot = sparse[value]
        if slot < dense.count, dense[slot] == value { return false }
        sparse[value] = dense.count
        dense.append(value)
        return true
    }

    mutating func removeAll() { dense.removeAll(keepingCapacity: true) }
}
