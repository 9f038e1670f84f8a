// The data model every collector produces and every encoder consumes: a named family of samples.

/// The Prometheus metric type of a family.
public enum MetricType: String, Sendable, Hashable, Codable {
    /// A value that can go up and down.
    case gauge
    /// A monotonically increasing count since some reset; its name ends in `_total`.
    case counter
    /// A constant `1` whose labels carry information (exposed as a gauge in text 0.0.4).
    case info
}

/// One label pair of a sample, in the order it was added.
public struct Label: Sendable, Hashable, Codable {
    /// The label name, `[a-zA-Z_][a-zA-Z0-9_]*`.
    public var name: String
    /// The label value, any UTF-8 text (escaped by the encoder).
    public var value: String

    /// Creates a label pair.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// One observation: a label set and a value.
public struct Sample: Sendable, Hashable {
    /// The labels, without the family name.
    public var labels: [Label]
    /// The observed value; never NaN (undefined values are omitted instead).
    public var value: Double

    /// Creates a sample.
    public init(labels: [Label] = [], value: Double) {
        self.labels = labels
        self.value = value
    }
}

/// A metric family: a name, help text, a type and its samples.
public struct MetricFamily: Sendable, Hashable {
    /// The family name, following Prometheus conventions (base units, `_total` on counters).
    public var name: String
    /// One line of help text.
    public var help: String
    /// The metric type.
    public var type: MetricType
    /// The samples of this family.
    public var samples: [Sample]

    /// Creates a family.
    public init(name: String, help: String, type: MetricType, samples: [Sample] = []) {
        self.name = name
        self.help = help
        self.type = type
        self.samples = samples
    }

    /// Returns a copy whose every sample carries `extra` labels first (e.g. `target` and the target's labels).
    func prefixingLabels(_ extra: [Label]) -> MetricFamily {
        guard !extra.isEmpty else { return self }
        var copy = self
        copy.samples = samples.map { Sample(labels: extra + $0.labels, value: $0.value) }
        return copy
    }
}
