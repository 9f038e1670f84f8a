// A small inline SVG line chart of one series over a time window, for the status page.
import Store

/// Draws points as an SVG polyline path scaled into a `width` × `height` box: time on x over the
/// whole window (so gaps and a short history show as such), value on y between `scale`'s bounds
/// (or the series' own minimum and maximum).
struct Sparkline: Sendable {
    /// The drawing's size in CSS pixels.
    var width = 240.0
    var height = 48.0

    /// The `<svg>` element for `points` between `start` and `end` (seconds since 1970), or a
    /// placeholder when there are fewer than two points to join.
    func svg(_ points: [SeriesPoint], start: Double, end: Double, scale: ClosedRange<Double>? = nil, label: String) -> String {
        let size = #"width="\#(Int(width))" height="\#(Int(height))" viewBox="0 0 \#(Int(width)) \#(Int(height))""#
        let title = "<title>\(HTMLText.escaped(label))</title>"
        guard points.count >= 2, end > start else {
            return #"<svg class="sparkline empty" \#(size) role="img">\#(title)<text x="4" y="\#(Int(height / 2) + 4)">no history yet</text></svg>"#
        }
        return #"<svg class="sparkline" \#(size) role="img">\#(title)<path d="\#(path(points, start: start, end: end, scale: scale))"/></svg>"#
    }

    /// The path data: `M x,y L x,y …`, coordinates rounded to 0.1 px; a flat series without a
    /// fixed `scale` is drawn mid-height.
    package func path(_ points: [SeriesPoint], start: Double, end: Double, scale: ClosedRange<Double>? = nil) -> String {
        let low = scale?.lowerBound ?? points.map(\.value).min() ?? 0
        let high = scale?.upperBound ?? points.map(\.value).max() ?? 0
        let margin = 2.0
        let drawable = height - 2 * margin
        return points.enumerated().map { index, point in
            let x = (point.timestamp - start) / (end - start) * width
            let clamped = min(max(point.value, low), high)
            let y = high > low ? margin + (high - clamped) / (high - low) * drawable : height / 2
            return (index == 0 ? "M" : "L") + Self.coordinate(x) + "," + Self.coordinate(y)
        }.joined(separator: " ")
    }

    private static func coordinate(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
