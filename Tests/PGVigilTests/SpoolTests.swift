// Unit tests of the spool's files: what is written is read back, whatever the alert's value.

import Foundation
import Testing

@testable import Alerting

@Suite struct SpoolTests {
    @Test func aNotificationWithANonFiniteValueSurvivesARestart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-spool-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let labels = ["alertname": "LagInfinite", "target": "replica"]
        let entries = [Double.infinity, -Double.infinity, .nan, 42].enumerated().map { index, value in
            SpoolEntry(
                sequence: UInt64(index),
                notification: AlertNotification(
                    status: .firing, labels: labels, annotations: [:], startsAt: 100, endsAt: nil, value: value,
                    fingerprint: Fingerprint.of(labels), emittedAt: 100))
        }
        let spool = try Spool(directory: directory)
        for entry in entries { try spool.write(entry) }
        // A fresh spool over the same directory, as after a restart, reads every entry back.
        let loaded = try Spool(directory: directory).load()
        #expect(loaded.map(\.notification.value.description) == ["inf", "-inf", "nan", "42.0"])
    }
}
