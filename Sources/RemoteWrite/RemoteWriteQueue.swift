// Pushes what the archive records to one remote-write endpoint; the history is its write-ahead queue.
import Logging
import NIOConcurrencyHelpers
import Store
import Support
import WebClient

/// Sends one endpoint everything the archive records, every `sendInterval`: the series' points
/// recorded since the last send, oldest first, in requests of at most `maxSamplesPerSend`
/// samples (a series' points in order), with the external labels added. A request that gets no
/// answer, 429 or 5xx is retried with backoff until it succeeds or the agent stops; what is
/// recorded meanwhile stays in the history, so when the endpoint returns the gap is sent from
/// there, and memory does not grow during an outage. What the history no longer holds when it
/// is read is counted `lost`; a request refused with another 4xx is dropped, counted `dropped`.
package final class RemoteWriteQueue: Sendable {
    /// Counts and times, for the self metrics.
    struct Statistics: Sendable {
        /// Samples accepted, in failed requests (each retry counts again), refused with a 4xx, and
        /// lost (out of the history before they were read).
        var sent = 0
        var failed = 0
        var dropped = 0
        var lost = 0
        /// Samples read from the history and not yet accepted or dropped.
        var pending = 0
        /// When a request was last accepted (seconds since 1970).
        var lastSuccess: Double?
    }

    /// The endpoint.
    package let endpoint: RemoteWriteEndpoint
    private let archive: SeriesArchive
    private let externalLabels: [Label]
    private let client: WebClient
    private let logger: Logger
    private let wallClock: @Sendable () -> Double
    private let statistics = NIOLockedValueBox(Statistics())
    /// How far sending got: every cycle up to the mark was sent (or dropped, or lost). Saved with
    /// the history, so a restart sends what the previous process had not.
    private let sent: NIOLockedValueBox<ArchiveReadMark>

    /// The mark up to which everything was sent.
    package var sentMark: ArchiveReadMark { sent.withLockedValue { $0 } }

    /// A queue for `endpoint` reading `archive` after `start` (nil: after what it holds now),
    /// posting through `client`.
    package init(
        endpoint: RemoteWriteEndpoint, archive: SeriesArchive, start: ArchiveReadMark? = nil, externalLabels: [Label], client: WebClient,
        logger: Logger, wallClock: @escaping @Sendable () -> Double
    ) {
        self.endpoint = endpoint
        self.archive = archive
        sent = NIOLockedValueBox(start ?? archive.markAfterEverything())
        self.externalLabels = externalLabels
        self.client = client
        var logger = logger
        logger[metadataKey: "remote"] = "\(endpoint.name)"
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Sends until cancelled, every `sendInterval` of `clock`.
    package func run<C: Clock>(on clock: C) async where C.Duration == Duration {
        var mark = sentMark
        var failures = 0
        while !Task.isCancelled {
            let (series, next, lost) = archive.recorded(after: mark)
            if lost > 0 {
                statistics.withLockedValue { $0.lost += lost }
                logger.warning("samples fell out of the history before they were sent", metadata: ["lost": "\(lost)"])
            }
            let batches = Self.batches(of: series, externalLabels: externalLabels, limit: endpoint.maxSamplesPerSend)
            statistics.withLockedValue { $0.pending = batches.reduce(0) { $0 + $1.count } }
            for batch in batches {
                while !Task.isCancelled {
                    if case .retry(let reason) = await send(batch) {
                        // Stopping (the request was cancelled with the agent) is no failure.
                        guard !Task.isCancelled else { return }
                        // The first failure of a streak is logged, and the recovery: not every retry.
                        if failures == 0 { logger.warning("remote write failing; retrying with backoff", metadata: ["reason": "\(reason)"]) }
                        failures += 1
                        let delay = ExponentialBackoff(initial: endpoint.minBackoff.seconds, maximum: endpoint.maxBackoff.seconds, jitter: 0.2)
                            .delay(afterFailures: failures)
                        try? await clock.sleep(for: .milliseconds(Int64(delay * 1000)))
                        continue
                    }
                    if failures > 0 { logger.info("remote write recovered", metadata: ["failed_attempts": "\(failures)"]) }
                    failures = 0
                    break
                }
                statistics.withLockedValue { $0.pending -= batch.count }
            }
            guard !Task.isCancelled else { return }
            mark = next
            sent.withLockedValue { $0 = next }
            try? await clock.sleep(for: endpoint.sendInterval)
        }
    }

    /// A request's series and how many samples they hold.
    struct Batch: Sendable {
        var series: [WriteSeries]
        var count: Int
    }

    /// `series` with its empty-valued labels left out (the protocol forbids them: an empty value
    /// means no such label, as in PromQL), `externalLabels` added (a series' own label of the
    /// same name wins, as in Prometheus) and labels sorted, cut into requests of at most `limit` samples.
    static func batches(of series: [SeriesArchive.SeriesHistoryEntry], externalLabels: [Label], limit: Int) -> [Batch] {
        var batches: [Batch] = []
        var current = Batch(series: [], count: 0)
        for entry in series {
            var labels = entry.labels.filter { !$0.value.isEmpty }
            for label in externalLabels where !labels.contains(where: { $0.name == label.name }) { labels.append(label) }
            labels.sort { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
            var points = entry.points[...]
            while !points.isEmpty {
                let room = limit - current.count
                let taken = points.prefix(room)
                current.series.append(WriteSeries(labels: labels, samples: Array(taken)))
                current.count += taken.count
                points = points.dropFirst(taken.count)
                if current.count == limit {
                    batches.append(current)
                    current = Batch(series: [], count: 0)
                }
            }
        }
        if current.count > 0 { batches.append(current) }
        return batches
    }

    /// What became of a request.
    private enum Outcome {
        /// Accepted, or refused for good.
        case done
        /// To be sent again, after what went wrong.
        case retry(String)
    }

    /// Posts `batch` once: done when it was accepted or refused for good, retry when it may go through later.
    private func send(_ batch: Batch) async -> Outcome {
        let body = Snappy.compress(WriteRequestEncoder.encode(batch.series))
        let headers: [(name: String, value: String)] =
            [
                ("Content-Type", "application/x-protobuf"), ("Content-Encoding", "snappy"), ("X-Prometheus-Remote-Write-Version", "0.1.0"),
                ("User-Agent", "pgvigil/\(PGVigilVersion.current)"),
            ] + endpoint.headers
        let response: WebResponse
        do {
            response = try await client.post(WebRequest(url: endpoint.url, headers: headers, body: body, timeout: endpoint.timeout))
        } catch {
            if !Task.isCancelled { statistics.withLockedValue { $0.failed += batch.count } }
            return .retry(error.message)
        }
        switch response.status {
        case 200..<300:
            let now = wallClock()
            statistics.withLockedValue {
                $0.sent += batch.count
                $0.lastSuccess = now
            }
            return .done
        case 429, 500..<600:
            statistics.withLockedValue { $0.failed += batch.count }
            return .retry("HTTP \(response.status): \(response.bodyExcerpt)")
        default:
            statistics.withLockedValue { $0.dropped += batch.count }
            logger.error(
                "remote write rejected; the samples are dropped",
                metadata: ["status": "\(response.status)", "reason": "\(response.bodyExcerpt)", "samples": "\(batch.count)"])
            return .done
        }
    }

    /// The samples of each outcome so far, those held unsent, and the last success.
    var counts: Statistics { statistics.withLockedValue { $0 } }
}
