// Converts Swift `Duration` to and from fractional seconds, the unit of timestamps and metrics.

extension Duration {
    /// The duration in fractional seconds.
    package var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
