// Which databases of a server the per-database collectors visit.
import Support

/// `auto` visits every database that allows connections (templates skipped); `list` only those named.
package enum DatabaseSelection: Sendable, Hashable {
    /// Every connectable, non-template database, discovered each run.
    case auto
    /// Exactly these databases (those that do not exist are reported as missing).
    case list([String])

    /// The discovery query: connectable non-template databases (their sizes are `table_sizes`'
    /// to measure: `pg_database_size` walks each database's directory, the costliest statement of
    /// a cycle, and every cycle with a per-database collector discovers).
    static let discoveryQuery = "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname"

    /// The databases to visit among `discovered` (those whose whole name matches the regular
    /// expression `excluding` left out), and the configured ones that were not found.
    package func select(from discovered: [String], excluding: String? = nil) -> (visit: [String], missing: [String]) {
        switch self {
        case .auto:
            // The pattern was validated with the config (ConfigValidator), so it compiles here.
            guard let excluding, let pattern = try? LinearRegex(excluding) else { return (discovered, []) }
            return (discovered.filter { !pattern.wholeMatch($0) }, [])
        case .list(let names):
            let present = Set(discovered)
            return (names.filter { present.contains($0) }, names.filter { !present.contains($0) })
        }
    }
}
