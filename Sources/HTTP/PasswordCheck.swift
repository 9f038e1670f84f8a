// One basic-auth password against its bcrypt hash, through libcrypt's crypt_r.
import CCrypt

/// A password to check against a bcrypt hash; `run()` blocks for bcrypt's cost (tens of
/// milliseconds at cost 10), so the server runs it on a thread of its own, never on an event loop.
package struct PasswordCheck: Sendable {
    let password: String
    let hash: String
    /// Turns the comparison into the verdict (remembers a pass; a decoy never passes).
    let conclude: @Sendable (Bool) -> Bool

    /// Whether the password matches; the verdict of the authenticator that made the check.
    package func run() -> Bool {
        conclude(Self.matches(password: password, hash: hash))
    }

    /// Whether `crypt_r(password, hash)` reproduces `hash`, compared in time that does not depend
    /// on where they differ. A hash libcrypt cannot use matches nothing.
    static func matches(password: String, hash: String) -> Bool {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        UnsafeMutableRawPointer(data).initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        guard let output = crypt_r(password, hash, data) else { return false }
        let computed = Array(String(cString: output).utf8)
        return computed.first != UInt8(ascii: "*") && HTTPAuthenticator.constantTimeEqual(computed, Array(hash.utf8))
    }
}
