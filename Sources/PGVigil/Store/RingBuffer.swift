// A fixed-capacity circular buffer: O(1) append, oldest element overwritten, no allocation after init.

/// A fixed-capacity buffer that keeps the most recent `capacity` elements in insertion order.
///
/// Storage is allocated once at init; `append` overwrites the oldest element when full.
struct RingBuffer<Element> {
    private var storage: [Element?]
    private var head = 0  // index of the oldest element
    /// The number of elements currently held.
    private(set) var count = 0

    /// Creates an empty buffer holding at most `capacity` elements (at least one).
    init(capacity: Int) {
        storage = Array(repeating: nil, count: max(1, capacity))
    }

    /// The maximum number of elements held.
    var capacity: Int { storage.count }

    /// Appends `element`, overwriting the oldest one when the buffer is full.
    mutating func append(_ element: Element) {
        if count < storage.count {
            storage[(head + count) % storage.count] = element
            count += 1
        } else {
            storage[head] = element
            head = (head + 1) % storage.count
        }
    }

    /// The most recently appended element.
    var last: Element? {
        count == 0 ? nil : storage[(head + count - 1) % storage.count]
    }

    /// The elements from oldest to newest.
    var elements: [Element] {
        var result: [Element] = []
        result.reserveCapacity(count)
        for offset in 0..<count {
            if let element = storage[(head + offset) % storage.count] { result.append(element) }
        }
        return result
    }

    /// The elements from oldest to newest that satisfy `isIncluded`, scanning from the newest back
    /// while `isIncluded` holds (elements are assumed ordered, e.g. by time).
    func suffix(while isIncluded: (Element) -> Bool) -> [Element] {
        var result: [Element] = []
        var offset = count - 1
        while offset >= 0, let element = storage[(head + offset) % storage.count], isIncluded(element) {
            result.append(element)
            offset -= 1
        }
        return result.reversed()
    }
}
