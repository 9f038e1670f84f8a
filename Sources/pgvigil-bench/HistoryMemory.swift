// Fills a series archive as a target's sampling would and prints the process's resident memory:
// `benchmarks/history-memory.sh` runs it with a long and an almost empty history and divides the
// difference by the samples the long one holds more (the two-agents method, without PostgreSQL).
// With TIER_POINTS, each series also keeps consolidated tiers of those many points, the first one
// per two samples (a 30 s step, so the tiers fill in minutes of simulated time, not days), each
// further one six times as coarse (as 5 and 30 minutes are).
//
//   pgvigil-bench SERIES POINTS [TIER_POINTS...]    e.g. 5463 240 (1 h at 15 s), 5463 240 288 384
import Glibc
import Store

/// The series of a typical target: most values never change (sizes, settings), some count up, a few wander.
func families(series: Int, cycle: Int) -> [MetricFamily] {
    var samples: [Sample] = []
    samples.reserveCapacity(series)
    for index in 0..<series {
        let value: Double
        switch index % 10 {
        case 0..<7: value = Double(8192 * (index % 97))
        case 7, 8: value = Double(index * 1000 + cycle * (index % 13 + 1))
        default: value = Double((cycle * 7919 + index * 104_729) % 10_007) / 7.0
        }
        samples.append(Sample(labels: [Label("target", "primary"), Label("relname", "table_\(index)")], value: value))
    }
    return [MetricFamily(name: "bench_series", help: "", type: .gauge, samples: samples)]
}

/// VmRSS of this process in KiB, from /proc/self/status.
func residentKiB() -> Int {
    guard let file = fopen("/proc/self/status", "r") else { return -1 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, Int32(line.count), file) != nil {
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if text.hasPrefix("VmRSS:") { return Int(text.split(separator: " ")[1]) ?? -1 }
    }
    return -1
}

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
guard arguments.count >= 2, arguments.count == CommandLine.arguments.count - 1, arguments.allSatisfy({ $0 > 0 }) else {
    print("usage: pgvigil-bench SERIES POINTS [TIER_POINTS...]")
    exit(2)
}
let (series, points) = (arguments[0], arguments[1])
let tiers = arguments.dropFirst(2).enumerated().map { index, tierPoints in
    let step = 30 * pow(6, Double(index))
    return HistoryTier(step: step, keep: step * Double(tierPoints))
}
let archive = SeriesArchive(tiers: tiers)
let source = SeriesSource(target: "primary", collector: "bench")
// Twice the history (and the longest tier), so every series has wrapped around and dropped its oldest points.
let cycles = max(points * 2, Int(2 * (tiers.map(\.keep).max() ?? 0) / 15), 8)
for cycle in 0..<cycles {
    archive.append(
        families(series: series, cycle: cycle), source: source, timestamp: 1_000_000 + 15 * Double(cycle) + Double(cycle % 3) / 1000,
        capacity: points, retention: 1e9)
}
let key = SeriesKey(name: "bench_series", labels: [Label("target", "primary"), Label("relname", "table_7")])
let held = archive.points(key, window: 1e9, now: 1_000_000 + 15 * Double(cycles)).count
print("series=\(series) points=\(points) held=\(held) rss_kib=\(residentKiB())")
