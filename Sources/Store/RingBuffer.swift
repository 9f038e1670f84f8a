// A fixed-capacity circular buffer: O(1) append, oldest element overwritten, no allocation after init.

/// A fixed-capacity buffer that keeps the most recent `capacity` elements in insertion order.
///
/// Storage for `capacity` elements is reserved once at init; `append` fills it, then overwrites
/// the oldest element. Elements are stored unwrapped (no Optional padding per element).
struct RingBuffer<Element> {
    private var storage: [Element]
    private var head = 0  // index of the oldest element once the buffer is full
    /// The maximum number of elements held.
    package let capacity: Int

    /// Creates an empty buffer holding at most `capacity` elements (at least one).
    package init(capacity: Int) {
        self.capacity = max(1, capacity)
        storage = []
        storage.reserveCapacity(self.capacity)
    }

    /// The number of elements currently held.
    package var count: Int { storage.count }

    /// Appends `element`, overwriting the oldest one when the buffer is full.
    package mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[head] = element
            head = (head + 1) % capacity
        }
    }

    /// The elements from oldest to newest that satisfy `isIncluded`, scanning from the newest back
    /// while `isIncluded` holds (elements are assumed ordered, e.g. by time).
    package func suffix(while isIncluded: (Element) -> Bool) -> [Element] {
        var result: [Element] = []
        var offset = storage.count - 1
        while offset >= 0 {
            let element = storage[(head + offset) % storage.count]
            guard isIncluded(element) else { break }
            result.append(element)
            offset -= 1
        }
        return result.reversed()
    }
}

extension RingBuffer: Sendable where Element: Sendable {}
