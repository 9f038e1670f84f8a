// Maps result columns to metric families: the shared shape of the statistics-view collectors.
import Postgres
import Store

/// One column of a statistics view exported as one family, scaled to base units.
struct ColumnMetric: Sendable {
    /// The result column.
    package var column: String
    /// The family name.
    package var name: String
    /// The family help.
    package var help: String
    /// Counter or gauge.
    package var type: MetricType
    /// Multiplier to base units (0.001 for a column in milliseconds).
    package var scale: Double = 1

    /// Families for `metrics`, one sample per row labelled by `labels(row)`; NULL values are
    /// omitted, and so are families whose column the rows do not have (version differences).
    package static func families(_ metrics: [ColumnMetric], rows: [Row], labels: (Row) throws -> [Label]) throws -> [MetricFamily] {
        var families = metrics.map { MetricFamily(name: $0.name, help: $0.help, type: $0.type) }
        for row in rows {
            let rowLabels = try labels(row)
            for (index, metric) in metrics.enumerated() {
                guard row.has(metric.column), let value = try row.double(metric.column) else { continue }
                families[index].samples.append(Sample(labels: rowLabels, value: value * metric.scale))
            }
        }
        return families
    }
}
