// Where a reader of everything the archive records (remote-write) got to: a cycle per source.

/// For each source's timeline, the last cycle a reader has taken. Sources append cycles in
/// order, so "after this cycle" is exact where a timestamp is not: a collector's cycle is stamped
/// when it starts and recorded when it ends, after a faster collector's later cycle. A cycle is
/// taken only once complete (its derived families stored too), so none is taken half.
package struct ArchiveReadMark: Sendable, Equatable {
    /// The last cycle taken, by timeline index; a timeline not in it has had nothing taken.
    var cycles: [Int: UInt64] = [:]

    /// A mark before everything.
    package init() {}
}
