// The agent's version, for `pgvigil version`, `pgvigil_build_info`, the status page and User-Agent.

/// The version of this build of pgvigil.
package enum PGVigilVersion {
    /// The release number.
    package static let current = "0.1.0"
}
