// The families that describe targets and the agent itself: pg_up, server facts, collector results.
import Postgres
import Store
import Support

/// Builds the families the sampler reports about targets and itself (not read from a collector).
enum SelfMetrics {
    /// The store's snapshot key of a target's self metrics (no collector has this name).
    static let snapshotKey = "(self)"

    /// pg_up, pg_in_recovery, pg_server_info and the collector results of one target, labelled.
    /// A target that is down keeps only pg_up and these pgvigil_* families.
    package static func families(for status: TargetStatus) -> [MetricFamily] {
        var families = [
            MetricFamily(
                name: "pg_up", help: "1 if the last connection and server check succeeded.", type: .gauge,
                samples: [Sample(labels: status.labels, value: status.up ? 1 : 0)])
        ]
        if status.up, let server = status.server, server.isPgBouncer {
            families.append(
                MetricFamily(
                    name: "pgbouncer_version_info", help: "The PgBouncer's version.", type: .gauge,
                    samples: [Sample(labels: status.labels + [Label("version", server.version)], value: 1)]))
        } else if status.up, let server = status.server {
            families.append(
                MetricFamily(
                    name: "pg_in_recovery", help: "1 if the server is a standby.", type: .gauge,
                    samples: [Sample(labels: status.labels, value: server.isInRecovery ? 1 : 0)]))
            families.append(
                MetricFamily(
                    name: "pg_server_info", help: "The server's version.", type: .gauge,
                    samples: [
                        Sample(
                            labels: status.labels + [Label("version", server.version), Label("server_version_num", String(server.versionNumber))],
                            value: 1)
                    ]))
        }
        var success = MetricFamily(name: "pgvigil_collector_success", help: "1 if the collector's last run succeeded.", type: .gauge)
        var duration = MetricFamily(name: "pgvigil_collector_duration_seconds", help: "How long the collector's last run took.", type: .gauge)
        var series = MetricFamily(name: "pgvigil_series", help: "Series the collector's last successful run produced (cardinality).", type: .gauge)
        for (collector, result) in status.collectors.sorted(by: { $0.key < $1.key }) {
            let labels = status.labels + [Label("collector", collector)]
            success.samples.append(Sample(labels: labels, value: result.success ? 1 : 0))
            duration.samples.append(Sample(labels: labels, value: result.duration))
            if result.success { series.samples.append(Sample(labels: labels, value: Double(result.series))) }
        }
        return families + [success, duration, series]
    }

    /// pgvigil_build_info: the agent's version and those of the client libraries linked into it.
    static var buildInfo: MetricFamily {
        let labels = [
            Label("version", PGVigilVersion.current), Label("libpq", ClientLibraries.libpq),
            Label("openssl", ClientLibraries.openSSL),
        ]
        return MetricFamily(
            name: "pgvigil_build_info", help: "pgvigil's version and the libpq and OpenSSL linked into it.", type: .gauge,
            samples: [Sample(labels: labels, value: 1)])
    }
}
