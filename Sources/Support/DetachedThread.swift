// Runs a closure on a new, detached POSIX thread: for blocking calls that must not hold a pool's thread.
#if canImport(Glibc)
import Glibc
#endif

/// Starts work on a thread of its own that nobody joins (it ends when the work returns).
package enum DetachedThread {
    /// Runs `body` on a new detached thread; false (and `body` not run) if the system refused one.
    @discardableResult
    package static func run(_ body: @escaping @Sendable () -> Void) -> Bool {
        let box = Unmanaged.passRetained(Work(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let started = pthread_create(
            &thread, &attributes,
            { argument in
                guard let argument else { return nil }
                Unmanaged<Work>.fromOpaque(argument).takeRetainedValue().body()
                return nil
            }, box)
        guard started == 0 else {
            Unmanaged<Work>.fromOpaque(box).release()
            return false
        }
        return true
    }

    /// The closure, boxed to cross into C.
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
