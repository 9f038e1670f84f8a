// The buffer cache hit ratio of the block counters: one definition for the collector and the status page.

/// hits / (hits + reads) of `pg_stat_database`'s block counters, as `pg_cache_hit_ratio` reports it
/// and the status page draws it.
package enum CacheHitRatio {
    /// The family of blocks found in the buffer cache.
    package static let hitsName = "pg_stat_database_blks_hit_total"
    /// The family of blocks read from outside the buffer cache.
    package static let readsName = "pg_stat_database_blks_read_total"

    /// hits / (hits + reads) over the window when both increases are known, else since reset;
    /// nil when there was no block access at all (the ratio is undefined, not 0 or 1).
    package static func ratio(hitIncrease: Double?, readIncrease: Double?, hitsSinceReset: Double, readsSinceReset: Double) -> Double? {
        if let hitIncrease, let readIncrease { return ratio(hits: hitIncrease, reads: readIncrease) }
        return ratio(hits: hitsSinceReset, reads: readsSinceReset)
    }

    /// hits / (hits + reads); nil when there was no block access at all.
    package static func ratio(hits: Double, reads: Double) -> Double? {
        let total = hits + reads
        return total > 0 ? hits / total : nil
    }
}
