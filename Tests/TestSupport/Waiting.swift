// Waiting on a condition with a deadline, never sleeping and hoping.

/// Waits until `condition` returns true or `timeout` passes, checking every `every`.
package func waitUntil(timeout: Duration, every: Duration = .milliseconds(200), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: every)
    }
    return try await condition()
}
