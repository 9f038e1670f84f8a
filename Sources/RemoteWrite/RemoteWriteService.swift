// Runs every remote-write queue as one service of the agent, and renders their self metrics.
import Logging
import NIOSSL
import ServiceLifecycle
import Store
import WebClient

/// The agent's remote writing: a queue per endpoint of the plan, each with a client of its own
/// (its TLS trust), all stopped at graceful shutdown.
package struct RemoteWriteService: Service {
    /// One queue per endpoint, in config order.
    package let queues: [RemoteWriteQueue]

    /// Queues for `plan`'s endpoints over `archive`, through `proxies`; an endpoint with a mark in
    /// `restored` (saved with the history, by name) sends from there, the others what is sampled from now on.
    package init(
        plan: RemoteWritePlan, archive: SeriesArchive, restored: [String: ArchiveReadMark] = [:], proxies: ProxySettings, logger: Logger,
        wallClock: @escaping @Sendable () -> Double
    ) {
        queues = plan.endpoints.map { endpoint in
            RemoteWriteQueue(
                endpoint: endpoint, archive: archive, start: restored[endpoint.name], externalLabels: plan.externalLabels,
                client: WebClient(proxies: proxies, tls: endpoint.tls), logger: logger,
                wallClock: wallClock)
        }
    }

    package func run() async throws {
        let queues = queues
        // A service that returns ends the agent's service group: with nothing to send, it waits.
        guard !queues.isEmpty else { return try await gracefulShutdown() }
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for queue in queues {
                    group.addTask(priority: nil) { await queue.run(on: ContinuousClock()) }
                }
            }
        }
    }

    /// How far each endpoint got, by name, to save with the history.
    package var sentMarks: [String: ArchiveReadMark] {
        Dictionary(queues.map { ($0.endpoint.name, $0.sentMark) }, uniquingKeysWith: { first, _ in first })
    }

    /// The self metrics of every queue (none without endpoints).
    package var families: [MetricFamily] {
        guard !queues.isEmpty else { return [] }
        var samples = MetricFamily(
            name: "pgvigil_remote_write_samples_total",
            help:
                "Samples by remote and outcome: sent (accepted), failed (in a request that failed and is retried; each retry counts), dropped (refused with a 4xx), lost (out of the history before they were read).",
            type: .counter)
        var pending = MetricFamily(
            name: "pgvigil_remote_write_samples_pending", help: "Samples read from the history and not yet accepted or dropped, by remote.",
            type: .gauge)
        var lastSuccess = MetricFamily(
            name: "pgvigil_remote_write_last_success_timestamp_seconds", help: "When a request was last accepted, by remote (0: never).",
            type: .gauge)
        for queue in queues {
            let counts = queue.counts
            let remote = Label("remote", queue.endpoint.name)
            for (outcome, count) in [("sent", counts.sent), ("failed", counts.failed), ("dropped", counts.dropped), ("lost", counts.lost)] {
                samples.samples.append(Sample(labels: [remote, Label("outcome", outcome)], value: Double(count)))
            }
            pending.samples.append(Sample(labels: [remote], value: Double(counts.pending)))
            lastSuccess.samples.append(Sample(labels: [remote], value: counts.lastSuccess ?? 0))
        }
        return [samples, pending, lastSuccess]
    }
}
