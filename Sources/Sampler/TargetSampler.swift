// Samples one target on its own timer: connects, runs due collectors, stores and publishes results.
import AsyncAlgorithms
import Logging
import Postgres
import ServiceLifecycle
import Store
import Support

/// Runs one target's sampling loop. A failing collector or an unreachable server never stops the
/// loop or other targets: the failure is reported (`pg_up 0`, `pgvigil_collector_success 0`,
/// logged once per change), the failed series are dropped, and the next tick tries again, with
/// reconnects backed off after repeated connection failures.
package actor TargetSampler {
    private let target: MonitoredTarget
    private let session: DatabaseSession
    private let store: SampleStore
    private let publisher: ExpositionPublisher
    private let logger: Logger
    private let wallClock: @Sendable () -> Double
    /// What the loop's timer runs on (a manual clock in tests).
    private let clock: any Clock<Duration>
    private var status: TargetStatus
    /// When to check the server, which collectors are due, what to log.
    private var loop: TargetLoopState

    /// Creates the sampler of `target`; `wallClock` returns seconds since 1970, `clock` runs the
    /// loop's timer (both injectable for tests).
    package init(
        target: MonitoredTarget, session: DatabaseSession, store: SampleStore, publisher: ExpositionPublisher,
        logger: Logger, wallClock: @escaping @Sendable () -> Double, clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.target = target
        self.session = session
        self.store = store
        self.publisher = publisher
        var logger = logger
        logger[metadataKey: "target"] = "\(target.name)"
        self.logger = logger
        self.wallClock = wallClock
        self.clock = clock
        self.status = Self.initialStatus(of: target)
        self.loop = TargetLoopState(interval: target.baseInterval.seconds)
    }

    /// The status of `target` before its first cycle.
    package static func initialStatus(of target: MonitoredTarget) -> TargetStatus {
        TargetStatus(name: target.name, labels: target.labels, interval: target.baseInterval.seconds)
    }

    /// Samples now, then on every tick of the target's base interval until cancelled or shut down.
    package func run() async {
        await sampleOnce()
        await sample(every: target.baseInterval, on: clock)
        await session.close()
    }

    /// Samples on each tick of `clock` until cancelled or shut down.
    private func sample<C: Clock>(every interval: Duration, on clock: C) async where C.Duration == Duration {
        for await _ in AsyncTimerSequence(interval: interval, clock: clock).cancelOnGracefulShutdown() {
            await sampleOnce()
        }
    }

    /// One cycle: check the server, run the collectors that are due, store and publish.
    @discardableResult
    package func sampleOnce() async -> TargetStatus {
        let now = wallClock()
        if loop.checksServer(at: now), let server = await checkServer(now: now) {
            status.up = true
            status.server = server
            await runDueCollectors(server: server, now: now)
        }
        if status.up {
            // When the cycle completed: from then on its snapshot is what is served.
            status.lastSuccess = wallClock()
            loop.cycleSucceeded()
        }
        let selfFamilies = await store.append(
            SelfMetrics.families(for: status), source: SeriesSource(target: target.name, collector: SelfMetrics.snapshotKey), timestamp: now,
            capacity: capacity(for: target.baseInterval), retention: target.history.seconds)
        await store.setSnapshot(target: target.name, collector: SelfMetrics.snapshotKey, families: selfFamilies)
        await publisher.publish(status)
        return status
    }

    /// Runs the server check behind pg_up; on failure marks the target down and backs off.
    private func checkServer(now: Double) async -> ServerInfo? {
        do {
            let pgBouncer = target.kind == .pgbouncer
            guard let row = try await session.query(pgBouncer ? ServerInfo.pgBouncerQuery : ServerInfo.query).rows.first else {
                throw PostgresError(kind: .query, message: "the server check returned no row")
            }
            let server = pgBouncer ? try ServerInfo.pgBouncer(row: row) : try ServerInfo(row: row)
            log(loop.serverAnswered())
            return server
        } catch {
            await markDown(reason: "\(error)", now: now)
            return nil
        }
    }

    private func runDueCollectors(server: ServerInfo, now: Double) async {
        await session.startCycle()
        let history = TargetHistory(store: store, targetLabels: target.labels)
        for scheduled in loop.dueCollectors(target.schedule, versionNumber: server.versionNumber, at: now) {
            let collector = scheduled.collector
            loop.willRun(collector.name, at: now)
            let start = ContinuousClock.now
            do {
                let families = try await collector.collect(session, server: server)
                let capacity = capacity(for: scheduled.interval)
                let source = SeriesSource(target: target.name, collector: collector.name)
                // The snapshot keeps the families as stored: with the archive's copy of their labels.
                let labelled = await store.append(
                    families.map { $0.prefixingLabels(target.labels) }, source: source, timestamp: now, capacity: capacity,
                    retention: target.history.seconds, completing: false)
                let derived = await store.append(
                    collector.derive(from: families, history: history, now: now).map { $0.prefixingLabels(target.labels) }, source: source,
                    timestamp: now, capacity: capacity, retention: target.history.seconds)
                await store.setSnapshot(target: target.name, collector: collector.name, families: labelled + derived)
                let series = (labelled + derived).reduce(0) { $0 + $1.samples.count }
                status.collectors[collector.name] = .init(success: true, duration: (ContinuousClock.now - start).seconds, series: series)
                log(loop.collectorSucceeded(collector.name))
            } catch {
                await store.drop(target: target.name, collector: collector.name)
                status.collectors[collector.name] = .init(success: false, duration: (ContinuousClock.now - start).seconds)
                if let error = error as? PostgresError, error.kind == .connection {
                    await markDown(reason: "\(error)", now: now)
                    return
                }
                log(loop.collectorFailed(collector.name, "\(error)"))
                // A per-database session got no answer: the server may be stuck, so the rest of the
                // cycle would wait a deadline per collector. They run next cycle, after the check.
                if let error = error as? PostgresError, error.isNoAnswer { break }
            }
        }
        status.failureReason = loop.failureReason
    }

    /// Marks the target down: every collector's series is dropped (the cycle then publishes only
    /// the self metrics, `pg_up 0` among them), and reconnects back off.
    private func markDown(reason: String, now: Double) async {
        status.up = false
        status.server = nil
        status.failureReason = reason
        for name in status.collectors.keys { status.collectors[name]?.success = false }
        await store.dropAll(target: target.name)
        log(loop.serverFailed(reason, at: now))
    }

    /// How many points a series sampled every `interval` keeps: `history / interval`.
    private func capacity(for interval: Duration) -> Int {
        max(2, Int((target.history.seconds / interval.seconds).rounded(.up)) + 1)
    }

    /// Writes what the loop decided to log.
    private func log(_ lines: [TargetLoopState.LogLine]) {
        for line in lines {
            switch line {
            case .warning(let message): logger.warning("\(message)")
            case .info(let message): logger.info("\(message)")
            }
        }
    }
}
