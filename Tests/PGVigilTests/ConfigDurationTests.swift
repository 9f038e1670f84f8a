// Unit tests of Prometheus-style duration parsing and printing.

import Testing

@testable import Config
@testable import PGVigil

@Suite struct ConfigDurationTests {
    @Test(arguments: [("500ms", 0.5), ("15s", 15), ("5m", 300), ("1h", 3600), ("1h30m", 5400), ("1d", 86400), ("2w", 1_209_600)])
    func parses(text: String, seconds: Double) throws {
        let duration = try #require(ConfigDuration(parsing: text))
        #expect(duration.duration.seconds == seconds)
        #expect(ConfigDuration(parsing: duration.description) == duration)
    }

    @Test(arguments: ["", "15", "s", "1.5s", "15 s", "1m1h", "5x", "-5s", "1s1s"])
    func rejects(text: String) {
        #expect(ConfigDuration(parsing: text) == nil)
    }

    /// Found by the fuzzer: the printed form was computed through a Double, so `check-config`
    /// showed 1005ms as 1s4ms.
    @Test(arguments: ["1005ms", "1s7ms", "4w3d23h59m59s999ms", "10y", "1ms"])
    func printsExactlyWhatItParsed(text: String) throws {
        let duration = try #require(ConfigDuration(parsing: text))
        #expect(ConfigDuration(parsing: duration.description)?.duration == duration.duration, "\(text) printed as \(duration.description)")
    }

    @Test func printsLargestUnitsFirst() {
        #expect(ConfigDuration(.seconds(5400)).description == "1h30m")
        #expect(ConfigDuration(.milliseconds(1500)).description == "1s500ms")
    }
}
