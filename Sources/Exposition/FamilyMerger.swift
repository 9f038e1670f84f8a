// Turns the families of many targets and collectors into one valid exposition's worth of families.
import Store

/// Merges families that share a name, sorts them by name and drops duplicate series, so that
/// an exposition has contiguous, sorted families and never the same series twice.
enum FamilyMerger {
    /// Families merged by name (help and type from the first seen), sorted by name, samples in
    /// arrival order with later duplicates of an identical label set dropped.
    package static func merge(_ families: [MetricFamily]) -> [MetricFamily] {
        var merged: [String: MetricFamily] = [:]
        var seenLabelSets: [String: Set<[Label]>] = [:]
        for family in families {
            var target = merged[family.name] ?? MetricFamily(name: family.name, help: family.help, type: family.type)
            var seen = seenLabelSets[family.name] ?? []
            for sample in family.samples where !sample.value.isNaN {
                if seen.insert(sample.labels).inserted {
                    target.samples.append(sample)
                }
            }
            merged[family.name] = target
            seenLabelSets[family.name] = seen
        }
        return merged.values.filter { !$0.samples.isEmpty }.sorted { $0.name < $1.name }
    }
}
