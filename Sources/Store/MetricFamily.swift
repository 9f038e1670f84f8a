// The data model every collector produces and every encoder consumes: a named family of samples.

/// The Prometheus metric type of a family.
package enum MetricType: String, Sendable, Hashable, Codable {
    /// A value that can go up and down.
    case gauge
    /// A monotonically increasing count since some reset; its name ends in `_total`.
    case counter
    /// A constant `1` whose labels carry information (exposed as a gauge in text 0.0.4).
    case info
}

/// One label pair of a sample, in the order it was added.
package struct Label: Sendable, Hashable, Codable {
    /// The label name, `[a-zA-Z_][a-zA-Z0-9_]*`.
    package var name: String
    /// The label value, any UTF-8 text (escaped by the encoder).
    package var value: String

    /// Creates a label pair.
    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One observation: a label set and a value.
package struct Sample: Sendable, Hashable {
    /// The labels, without the family name.
    package var labels: [Label]
    /// The observed value; never NaN (undefined values are omitted instead).
    package var value: Double

    /// Creates a sample.
    package init(labels: [Label] = [], value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// A metric family: a name, help text, a type and its samples.
package struct MetricFamily: Sendable, Hashable {
    /// The family name, following Prometheus conventions (base units, `_total` on counters).
    package var name: String
    /// One line of help text.
    package var help: String
    /// The metric type.
    package var type: MetricType
    /// The samples of this family.
    package var samples: [Sample]

    /// Creates a family.
    package init(name: String, help: String, type: MetricType, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }

    /// Returns a copy whose every sample carries `extra` labels first (e.g. `target` and the target's labels).
    package func prefixingLabels(_ extra: [Label]) -> MetricFamily {
        guard !extra.isEmpty else { return self }
        var copy = self
        copy.samples = samples.map { Sample(labels: extra + $0.labels, value: $0.value) }
        return copy
    }
}
