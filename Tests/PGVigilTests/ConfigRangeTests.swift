// Every number of the config has a range; out of range is an error naming the line and the field.

import Testing

@testable import PGVigil

@Suite struct ConfigRangeTests {
    @Test(arguments: [
        ("timeout: 106000000000d1000000000000h", 1, "timeout", "is longer than 10y"),
        ("timeout: 9223372036854775807ms", 1, "timeout", "is longer than 10y"),
        ("timeout: 1h", 1, "timeout", "from 100ms to 10m"),
        ("interval: 10ms", 1, "interval", "from 100ms to 1d"),
        ("interval: 1s\nhistory: 30d", 1, "interval", "2592000 points per series; at most 200000"),
        ("history: 1y", 1, "history", "from 100ms to 5w"),
        ("collectors:\n  table_sizes: { limit: 0 }", 2, "collectors.table_sizes.limit", "from 1 to 100000"),
        ("collectors:\n  table_sizes: { limit: 99999999999999999999 }", 2, "collectors.table_sizes.limit", "expected an integer"),
        ("collectors:\n  table_sizes: { budget_bytes: 0 }", 2, "collectors.table_sizes.budget_bytes", "from 1 to 1152921504606846976"),
        ("collectors:\n  activity: { interval: 10ms }", 2, "collectors.activity.interval", "from 100ms"),
        ("history: 10m\nhistory_tiers: []\ncollectors:\n  cache_hit_ratio: { window: 1h }", 4, "collectors.cache_hit_ratio.window", "reach (10m)"),
        ("collectors:\n  wraparound: { window: 9d }", 2, "collectors.wraparound.window", "longer than history and its tiers reach (1w1d)"),
        ("history_tiers:\n  - { step: 500ms, keep: 1d }", 2, "history_tiers[0].step", "from 1s to 1d"),
        ("history_tiers:\n  - { step: 1s, keep: 30d }", 2, "history_tiers[0].keep", "2592000 points per series; at most 200000"),
        ("history_tiers:\n  - { step: 5m, keep: 30m }", 2, "history_tiers[0].keep", "not longer than history (1h)"),
        ("history_tiers:\n  - { step: 10s, keep: 1d }", 2, "history_tiers[0].step", "not longer than the interval (15s)"),
        (
            "history_tiers:\n  - { step: 1h, keep: 30d }\n  - { step: 5m, keep: 60d }", 3, "history_tiers[1]",
            "longer step and keep than the tier before it (1h for 4w2d)"
        ),
        ("alerts:\n  repeat_interval: 500ms", 2, "alerts.repeat_interval", "from 1s to 5w"),
        ("alerts:\n  rules:\n    - { alert: A, expr: 'rate(x[2h]) > 1' }", 3, "alerts.rules[0].expr", "the range [2h] is longer than history (1h)"),
        ("alerts:\n  rules:\n    - { alert: A, expr: 'x > 1', for: 60d }", 3, "alerts.rules[0].for", "from 0s to 5w"),
        ("alerts:\n  receivers:\n    - { name: r, url: 'http://127.0.0.1:1/', timeout: 1h }", 3, "alerts.receivers[0].timeout", "from 100ms to 10m"),
    ])
    func outOfRangeNamesTheLineAndField(yaml: String, line: Int, field: String, message: String) throws {
        let error = try #require(ConfigFile.loadError(yaml + "\ntargets: [{ name: a, dsn: \"host=127.0.0.1\" }]\n"))
        #expect(error.field == field, "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func theBoundsThemselvesAreAccepted() {
        #expect(
            ConfigFile.loadError(
                """
                interval: 100ms
                history: 5h
                timeout: 10m
                collectors:
                  table_sizes: { limit: 100000, interval: 1d }
                alerts:
                  repeat_interval: 5w
                targets: [{ name: a, dsn: "host=127.0.0.1" }]
                """) == nil)
    }
}
