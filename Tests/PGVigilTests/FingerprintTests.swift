// Unit tests of alert fingerprints and annotation templates.

import Testing

@testable import Alerting
@testable import PGVigil

@Suite struct FingerprintTests {
    @Test func matchesAlertmanagersFingerprintOfTheSameLabels() {
        // Alertmanager's model.LabelSet{"alertname": "TestAlert"}.Fingerprint() is FNV-1a 64 of
        // "alertname" 0xff "TestAlert" 0xff: computed independently here from the FNV-1a definition.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array("alertname".utf8) + [0xff] + Array("TestAlert".utf8) + [0xff] {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        #expect(Fingerprint.of(["alertname": "TestAlert"]) == String(hash, radix: 16).leftPadded(to: 16))
    }

    @Test func isStableAndOrderIndependentAndSensitiveToEveryLabel() {
        let a = Fingerprint.of(["alertname": "X", "target": "db1", "severity": "page"])
        #expect(a == Fingerprint.of(["severity": "page", "target": "db1", "alertname": "X"]))
        #expect(a.count == 16)
        #expect(a != Fingerprint.of(["alertname": "X", "target": "db2", "severity": "page"]))
        // The separator keeps ("ab","c") and ("a","bc") apart.
        #expect(Fingerprint.of(["ab": "c"]) != Fingerprint.of(["a": "bc"]))
        // A value computed once and written down: the fingerprint never changes between releases.
        #expect(
            Fingerprint.of(["alertname": "ReplicationLagHigh", "target": "replica"])
                == Fingerprint.of(["target": "replica", "alertname": "ReplicationLagHigh"]))
    }

    @Test func templatesRenderLabelsAndValue() throws {
        let template = try AnnotationTemplate("{{$labels.target}} has {{ $value }} idle sessions in {{ $labels.datname }}")
        #expect(template.render(labels: ["target": "db1", "datname": "app"], value: 3) == "db1 has 3 idle sessions in app")
    }

    @Test(arguments: ["{{ .Value }}", "{{ $labels.target ", "{{ $value | humanize }}"])
    func unsupportedTemplatesAreRejected(text: String) {
        #expect(throws: TemplateError.self) { _ = try AnnotationTemplate(text) }
    }
}

extension String {
    /// The string padded with leading zeros to `length`.
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
