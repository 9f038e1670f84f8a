// Wires the agent together: store, samplers, publisher and HTTP server under one ServiceGroup.
import Alerting
import Config
import Exposition
import HTTP
import Logging
import NIOCore
import NIOPosix
import Postgres
import RemoteWrite
import Sampler
import ServiceLifecycle
import Store
import Support
import WebClient

/// The running agent. Built from a validated config; `run` serves until SIGTERM/SIGINT.
package final class Agent: Sendable {
    private let state: ServedState
    private let fleet: TargetFleet
    private let publisher: ExpositionPublisher
    private let alerting: AlertingService
    private let remoteWrite: RemoteWriteService
    private let server: HTTPServer
    /// The saved history; nil when it is not kept across restarts.
    private let historyFile: HistoryFile?
    private let archive: SeriesArchive
    /// Applies SIGHUP and `POST /-/reload`; nil when the agent was built without a way to reload.
    private let reloader: ConfigReloader?
    /// The file_sd files' targets; nil without `file_sd:`. Changes are applied through the reloader.
    private let discovery: FileDiscovery?
    private let logger: Logger
    private let wallClock: @Sendable () -> Double

    /// Builds the agent from a loaded setup; nothing connects or binds yet. With `reload` (how
    /// the setup was loaded, done again), SIGHUP and `POST /-/reload` apply a changed config.
    /// With `keepingHistory`, the history saved under the state directory is read back now and
    /// saved again while the agent runs.
    package init(
        setup: AgentSetup, reload: (@Sendable () throws(ConfigError) -> AgentSetup)? = nil, keepingHistory: Bool = true, logger: Logger,
        wallClock: @escaping @Sendable () -> Double = WallClock.now
    ) throws {
        let config = setup.config
        let sideResults = CollectorSideResults()
        // The file_sd files are read once before anything starts, so their targets are sampled from the first cycle.
        let discovery = FileDiscovery(entries: config.fileSD, logger: logger)
        let discovered = discovery.refresh(now: wallClock()) ?? []
        self.discovery = config.fileSD.isEmpty ? nil : discovery
        let targets = try MonitoredTarget.all(from: config.with(discovered: discovered), sideResults: sideResults)
        let store = SampleStore(
            archive: SeriesArchive(tiers: config.historyTiers.map { HistoryTier(step: $0.step.duration.seconds, keep: $0.keep.duration.seconds) }))
        // Before anything samples or reads the archive (remote-write starts after what it holds).
        let historyFile = keepingHistory ? try HistoryFile.resolve(config, logger: logger) : nil
        let restoredMarks = historyFile?.load(into: store.archive, keeping: Set(targets.map(\.name))) ?? [:]
        self.historyFile = historyFile
        archive = store.archive
        let statuses = targets.map(TargetSampler.initialStatus(of:))
        state = ServedState(.initial(statuses))
        let alerts = AlertBoard([])
        let closedConnections = HTTPClosedConnections()
        let requestsInFlight = RequestsInFlight(limit: config.http.maxRequestsInFlight)
        let outcome = ReloadOutcome(start: wallClock())
        let access = EndpointAccessState(setup.access)
        let remoteWrite = RemoteWriteService(
            plan: setup.remoteWrite, archive: store.archive, restored: restoredMarks, proxies: setup.proxies, logger: logger, wallClock: wallClock)
        self.remoteWrite = remoteWrite
        let publisher = ExpositionPublisher(
            initialStatuses: statuses, store: store, state: state,
            agentFamilies: {
                let current = access.current
                return [closedConnections.family, requestsInFlight.family] + (current.tls?.families ?? [])
                    + (current.rateLimit.map { [$0.family] } ?? []) + (reload == nil ? [] : outcome.families) + remoteWrite.families
                    + discovery.families + (historyFile?.families ?? [])
            })
        self.publisher = publisher
        let alerting = try Self.makeAlerting(
            plan: setup.alerting, transport: WebhookClient(client: WebClient(proxies: setup.proxies)), store: store, state: state,
            publisher: publisher, board: alerts, logger: logger, wallClock: wallClock)
        self.alerting = alerting
        let fleet = TargetFleet(targets: targets) { target, lane in
            TargetSampler(
                target: target, session: DatabaseSession(settings: target.connection, lane: lane),
                store: store, publisher: publisher, logger: logger, wallClock: wallClock)
        }
        self.fleet = fleet
        let reloader = reload.map { load in
            ConfigReloader(
                running: setup, discovered: discovered, load: load, fleet: fleet, alerting: alerting, store: store, publisher: publisher,
                sideResults: sideResults,
                access: access, outcome: outcome,
                logger: logger, wallClock: wallClock)
        }
        self.reloader = reloader
        let reloadRoute: Router.Reload? = reloader.map { reloader in
            let requests = reloader.requests
            return { @Sendable (eventLoop: any EventLoop) in requests.ask(on: eventLoop) }
        }
        guard let address = ListenAddress(config.listen) else {
            throw ConfigError(field: "listen", message: ListenAddress.malformed(config.listen))
        }
        server = HTTPServer(
            address: address,
            router: Router(
                state: state, alerts: alerts, seriesHistory: SeriesHistoryAPI(archive: store.archive, history: config.history.duration.seconds),
                statementTexts: sideResults.statementTexts,
                statusPage: StatusPage(
                    archive: store.archive, history: config.history.duration.seconds, shard: config.sharding?.description,
                    clusterSettings: sideResults.clusterSettings),
                access: access, reload: reloadRoute, shard: config.sharding?.description, wallClock: wallClock),
            limits: config.http, closed: closedConnections, inFlight: requestsInFlight, group: MultiThreadedEventLoopGroup.singleton,
            logger: logger)
        self.logger = logger
        self.wallClock = wallClock
    }

    /// Binds the HTTP port (so a port conflict fails before sampling starts); returns the port.
    @discardableResult
    func bindHTTP() async throws -> Int {
        try await server.bind()
    }

    /// Samples and serves until graceful shutdown (SIGTERM/SIGINT when `handlingSignals`) or cancellation.
    /// The HTTP port is bound inside the group (unless `bindHTTP` ran before), after the signal
    /// handlers are installed, so a SIGTERM right after "listening" is always graceful.
    package func run(handlingSignals: Bool = true) async throws {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: SamplerService(fleet: fleet, publisher: publisher)), .init(service: alerting), .init(service: remoteWrite),
        ]
        if let reloader {
            services.append(.init(service: ReloadService(reloader: reloader, trappingSignals: handlingSignals)))
            if let discovery {
                services.append(.init(service: FileDiscoveryService(discovery: discovery, requests: reloader.requests, wallClock: wallClock)))
            }
        }
        let remoteWrite = remoteWrite
        if let historyFile {
            services.append(
                .init(service: HistorySaveService(file: historyFile, archive: archive, marks: { remoteWrite.sentMarks }, wallClock: wallClock)))
        }
        services.append(.init(service: server))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: handlingSignals ? [.sigterm, .sigint] : [], logger: logger))
        do {
            try await group.run()
        } catch {
            await shutDown()
            await historyFile?.save(archive, marks: remoteWrite.sentMarks, now: wallClock())
            throw error
        }
        await shutDown()
        // Sampling has stopped: this save holds every cycle taken.
        await historyFile?.save(archive, marks: remoteWrite.sentMarks, now: wallClock())
        logger.info("stopped")
    }

    /// One cycle of every target, side by side; returns the exposition and each target's status.
    package func sampleOnce() async -> (exposition: String, statuses: [TargetStatus]) {
        let samplers = await fleet.samplers
        let statuses = await withTaskGroup(of: TargetStatus.self) { group in
            for sampler in samplers { group.addTask(priority: nil) { await sampler.sampleOnce() } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        await shutDown()
        await publisher.renderNow()
        let snapshot = state.current
        let body = snapshot.exposition.body(now: wallClock())
        let order = snapshot.targets.map(\.name)
        return (String(buffer: body), statuses.sorted { (order.firstIndex(of: $0.name) ?? 0) < (order.firstIndex(of: $1.name) ?? 0) })
    }

    /// The alerting service of `plan`. With rules or receivers, the alert state and each
    /// receiver's spool are opened now: one that cannot be is a startup failure, never a silent
    /// loss of alerts. Without, nothing is opened until a reload starts alerting.
    private static func makeAlerting(
        plan: AlertingPlan, transport: any WebhookTransport, store: SampleStore, state: ServedState, publisher: ExpositionPublisher,
        board: AlertBoard, logger: Logger,
        wallClock: @escaping @Sendable () -> Double
    ) throws -> AlertingService {
        let disk = DiskWorker()
        do {
            let book = plan.isEmpty ? nil : try AlertBook(repeatInterval: plan.repeatInterval, stateDirectory: plan.spoolDirectory, disk: disk)
            let members = try ReceiverFleet.open(
                plan.receivers, spoolDirectory: plan.spoolDirectory, externalURL: plan.externalURL, transport: transport, disk: disk, logger: logger,
                wallClock: wallClock)
            return AlertingService(
                plan: plan, book: book, receivers: ReceiverFleet(members: members, externalURL: plan.externalURL), transport: transport,
                store: store, state: state, publisher: publisher, board: board, disk: disk, logger: logger, wallClock: wallClock)
        } catch {
            disk.shutDown()
            throw error
        }
    }

    /// Stops the threads of alerting and of every target's lane (their work has ended).
    private func shutDown() async {
        alerting.disk.shutDown()
        await fleet.shutDownLanes()
    }
}
