// An alert rule ready to evaluate: parsed expressions, durations, labels, annotation templates.

/// A compiled alert rule.
package struct AlertRule: Sendable {
    /// The `alertname` label.
    package var name: String
    /// When the alert is active.
    package var expression: RuleExpression
    /// How long the expression must hold before the alert fires.
    var holdDuration: Duration
    /// When a firing alert resolves (hysteresis); nil resolves as soon as `expression` is false.
    /// It selects the same metric as `expression`.
    var resolveExpression: RuleExpression?
    /// Labels added to the alert (they override the series' labels of the same name).
    package var labels: [String: String]
    /// Annotation templates, by annotation name.
    package var annotations: [String: AnnotationTemplate]
}
