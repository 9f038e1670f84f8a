// The stable identity of an alert: Alertmanager's FNV-1a fingerprint of its sorted label set.

/// Computes an alert's fingerprint the way Alertmanager and Prometheus do (FNV-1a 64 over the
/// labels sorted by name, each name and value followed by the byte 0xff), printed as 16 hex
/// digits. It depends only on the labels, so it is the same across restarts and machines, and
/// equals the fingerprint Alertmanager shows for the same alert.
enum Fingerprint {
    /// The fingerprint of `labels`.
    package static func of(_ labels: [String: String]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        func add(_ byte: UInt8) {
            hash ^= UInt64(byte)
            hash = hash &* 1_099_511_628_211
        }
        for (name, value) in labels.sorted(by: { $0.key < $1.key }) {
            name.utf8.forEach(add)
            add(0xff)
            value.utf8.forEach(add)
            add(0xff)
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
