// Turns the `alerts:` config into compiled rules and resolved receivers, or a problem naming the field.
import Config

#if canImport(Glibc)
import Glibc
#endif

/// Everything the alerting service needs, compiled and checked.
package struct AlertingPlan: Sendable {
    package var rules: [AlertRule]
    package var receivers: [ReceiverSettings]
    package var evaluationInterval: Duration
    package var repeatInterval: Duration
    package var externalURL: String
    package var spoolDirectory: String

    /// Compiles `config.alerts`; `${VAR}` in receivers is read from `environment`.
    package static func make(from config: AgentConfig, environment: [String: String]) throws(ConfigProblem) -> AlertingPlan {
        typealias Key = AlertsConfig.CodingKeys
        let alerts = config.alerts
        let path: [any CodingKey] = [AgentConfig.CodingKeys.alerts]
        var rules: [AlertRule] = []
        for (index, rule) in alerts.rules.enumerated() {
            let rulePath = path + [Key.rules, AnyCodingKey(index: index)]
            let compiled = try compile(rule, at: rulePath, history: config.history)
            if rules.contains(where: { $0.name == compiled.name }) {
                throw ConfigProblem(
                    path: rulePath + [AlertRuleConfig.CodingKeys.alert], message: "another rule is already named \"\(compiled.name)\"")
            }
            rules.append(compiled)
        }
        var receivers: [ReceiverSettings] = []
        for (index, receiver) in alerts.receivers.enumerated() {
            let receiverPath = path + [Key.receivers, AnyCodingKey(index: index)]
            let resolved = try resolve(receiver, at: receiverPath, environment: environment)
            if receivers.contains(where: { $0.name == resolved.name }) {
                throw ConfigProblem(
                    path: receiverPath + [ReceiverConfig.CodingKeys.name], message: "another receiver is already named \"\(resolved.name)\"")
            }
            receivers.append(resolved)
        }
        let evaluationInterval = alerts.evaluationInterval?.duration ?? config.interval.duration
        let repeatInterval = alerts.repeatInterval?.duration ?? .seconds(4 * 3600)
        if let url = alerts.externalURL, !isHTTPURL(url) {
            throw ConfigProblem(path: path + [Key.externalURL], message: "\"\(url)\" is not an http:// or https:// URL")
        }
        return AlertingPlan(
            rules: rules, receivers: receivers, evaluationInterval: evaluationInterval, repeatInterval: repeatInterval,
            externalURL: alerts.externalURL ?? defaultExternalURL(listen: config.listen),
            spoolDirectory: alerts.spool ?? (config.stateDirectory ?? AgentConfig.defaultStateDirectory) + "/spool")
    }

    /// Compiles one rule; a window function's range must fit in `history`, which holds the points.
    private static func compile(_ rule: AlertRuleConfig, at path: [any CodingKey], history: ConfigDuration) throws(ConfigProblem) -> AlertRule {
        typealias Key = AlertRuleConfig.CodingKeys
        guard !rule.alert.isEmpty else { throw ConfigProblem(path: path + [Key.alert], message: "must not be empty") }
        let expression: RuleExpression
        do {
            expression = try RuleExpressionParser.parse(rule.expr)
        } catch {
            throw ConfigProblem(path: path + [Key.expr], message: error.description)
        }
        var resolveExpression: RuleExpression?
        if let resolve = rule.resolve {
            do {
                resolveExpression = try RuleExpressionParser.parse(resolve)
            } catch {
                throw ConfigProblem(path: path + [Key.resolve], message: error.description)
            }
            if resolveExpression?.metric != expression.metric {
                throw ConfigProblem(path: path + [Key.resolve], message: "must select the same metric as expr (\(expression.metric))")
            }
        }
        let ranged: [(RuleExpression?, Key)] = [(expression, .expr), (resolveExpression, .resolve)]
        for (parsed, key) in ranged {
            if let range = parsed?.window?.range, range > history.duration {
                throw ConfigProblem(
                    path: path + [key], message: "the range [\(ConfigDuration(range))] is longer than history (\(history)), which holds the points")
            }
        }
        let hold = rule.for?.duration ?? .zero
        for name in (rule.labels ?? [:]).keys.sorted() where !ConfigValidator.isValidLabelName(name) {
            throw ConfigProblem(path: path + [Key.labels], message: "\"\(name)\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        }
        var annotations: [String: AnnotationTemplate] = [:]
        for (name, text) in (rule.annotations ?? [:]).sorted(by: { $0.key < $1.key }) {
            do {
                annotations[name] = try AnnotationTemplate(text)
            } catch {
                throw ConfigProblem(path: path + [Key.annotations, AnyCodingKey(stringValue: name)], message: error.message)
            }
        }
        return AlertRule(
            name: rule.alert, expression: expression, holdDuration: hold, resolveExpression: resolveExpression,
            labels: rule.labels ?? [:], annotations: annotations)
    }

    private static func resolve(
        _ receiver: ReceiverConfig, at path: [any CodingKey], environment: [String: String]
    ) throws(ConfigProblem) -> ReceiverSettings {
        typealias Key = ReceiverConfig.CodingKeys
        guard !receiver.name.isEmpty else { throw ConfigProblem(path: path + [Key.name], message: "must not be empty") }
        let url = try EnvironmentReferences.expand(receiver.url, at: path + [Key.url], environment: environment)
        guard isHTTPURL(url) else {
            throw ConfigProblem(path: path + [Key.url], message: "is not an http:// or https:// URL")
        }
        var headers: [(name: String, value: String)] = []
        for (name, value) in (receiver.headers ?? [:]).sorted(by: { $0.key < $1.key }) {
            headers.append(
                (name, try EnvironmentReferences.expand(value, at: path + [Key.headers, AnyCodingKey(stringValue: name)], environment: environment)))
        }
        let format = receiver.format ?? .alertmanager
        let routingKey = try receiver.routingKey.map { key throws(ConfigProblem) in
            try EnvironmentReferences.expand(key, at: path + [Key.routingKey], environment: environment)
        }
        if format == .pagerduty, (routingKey ?? "").isEmpty {
            throw ConfigProblem(path: path + [Key.routingKey], message: "format pagerduty needs the integration's routing_key")
        }
        let timeout = receiver.timeout?.duration ?? .seconds(10)
        return ReceiverSettings(name: receiver.name, url: url, format: format, headers: headers, timeout: timeout, routingKey: routingKey)
    }

    private static func isHTTPURL(_ text: String) -> Bool {
        (text.hasPrefix("http://") || text.hasPrefix("https://")) && text.split(separator: "/").count >= 2
    }

    /// `http://HOSTNAME:PORT` for the listen address.
    private static func defaultExternalURL(listen: String) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let hostname =
            gethostname(&buffer, buffer.count) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let address = ListenAddress(listen)
        let host = address?.host.map { $0.contains(":") ? "[\($0)]" : $0 } ?? hostname
        return "http://\(host):\(address?.port ?? 9432)"
    }
}
