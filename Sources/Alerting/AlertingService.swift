// Evaluates the rules on their interval and hands notifications to every receiver's delivery queue.
import Config
import Exposition
import Logging
import Sampler
import ServiceLifecycle
import Store

/// The alerting side of the agent: rule evaluation over the store, the receivers' delivery
/// queues, and the pgvigil_alert_evaluations_total / pgvigil_alerts_firing /
/// pgvigil_notifications_total / pgvigil_spool_pending / pgvigil_spool_writable families.
///
/// It runs whether or not the config has rules or receivers, so a reload can start alerting;
/// with neither it evaluates nothing, opens no spool and publishes no family. A reload's new plan
/// (`prepare`, then `apply`) is taken by the evaluation loop between two rounds, so a round never
/// sees half of one: rules removed resolve their firing alerts, receivers are added, updated or
/// removed (`ReceiverFleet`), and the evaluation and repeat intervals and external URL change.
package struct AlertingService: Service {
    /// The plan and book the service starts with.
    private let initial: AlertingLoop.Current
    /// The receivers' delivery queues.
    private let receivers: ReceiverFleet
    /// How the queues of receivers a reload adds post.
    private let transport: any WebhookTransport
    /// The plans reloads asked for, waiting for the loop.
    private let changes = AlertingChanges()
    /// Where the rules' series are read, and alerting's own families go.
    private let store: SampleStore
    /// Which targets are down (their alerts hold).
    private let state: ServedState
    /// Where alerting's families are rendered for /metrics.
    private let publisher: ExpositionPublisher
    /// Where the pending and firing alerts are shown to the HTTP server.
    private let board: AlertBoard
    /// The thread of the spool and alert state writes.
    package let disk: DiskWorker
    private let logger: Logger
    /// Seconds since 1970, for the evaluator and the re-send interval.
    private let wallClock: @Sendable () -> Double
    /// What the evaluation timer runs on (a manual clock in tests).
    private let clock: any Clock<Duration>

    /// Creates the service; nothing runs until `run`. `book` is nil when `plan` has no rules and
    /// no receivers (nothing is opened on disk then); `receivers` holds a member per receiver of
    /// `plan`, and those a reload adds post through `transport`.
    package init(
        plan: AlertingPlan, book: AlertBook?, receivers: ReceiverFleet, transport: any WebhookTransport, store: SampleStore, state: ServedState,
        publisher: ExpositionPublisher,
        board: AlertBoard, disk: DiskWorker, logger: Logger, wallClock: @escaping @Sendable () -> Double,
        clock: any Clock<Duration> = ContinuousClock()
    ) {
        initial = AlertingLoop.Current(plan: plan, book: book)
        self.receivers = receivers
        self.transport = transport
        self.store = store
        self.state = state
        self.publisher = publisher
        self.board = board
        self.disk = disk
        self.logger = logger
        self.wallClock = wallClock
        self.clock = clock
    }

    package func run() async throws {
        let loop = AlertingLoop(
            current: initial, receivers: receivers, store: store, state: state, publisher: publisher, board: board, logger: logger,
            wallClock: wallClock)
        await loop.start()
        await withTaskGroup(of: Void.self) { group in
            group.addTask(priority: nil) {
                await withTaskGroup(of: Void.self) { queues in
                    // Until the loop below ends (shutdown): then every queue is cancelled and spools what is unsent.
                    for await member in receivers.starts {
                        queues.addTask(priority: nil) { await member.run() }
                    }
                }
            }
            await withGracefulShutdownHandler {
                await loop.run(changes: changes, on: clock)
            } onGracefulShutdown: {
                changes.close()
            }
            group.cancelAll()
        }
        changes.close()
    }

    /// Opens what `plan` needs beyond what runs under `running` (the plan the last reload, or the
    /// start, applied): a delivery queue for each receiver whose name is new, and, with
    /// `openingBook` (alerting never had rules or receivers before), the alert book if `plan` has
    /// some. Nothing changes until `apply`; a spool or alert state that cannot be opened throws
    /// (what was opened before it holds no descriptor or thread: nothing to close).
    package func prepare(_ plan: AlertingPlan, replacing running: AlertingPlan, openingBook: Bool) throws(SpoolError) -> AlertingChange {
        let known = Set(running.receivers.map(\.name))
        let book =
            openingBook && !plan.isEmpty ? try AlertBook(repeatInterval: plan.repeatInterval, stateDirectory: plan.spoolDirectory, disk: disk) : nil
        let opened = try ReceiverFleet.open(
            plan.receivers.filter { !known.contains($0.name) }, spoolDirectory: plan.spoolDirectory, externalURL: plan.externalURL,
            transport: transport,
            disk: disk, logger: logger, wallClock: wallClock)
        return AlertingChange(plan: plan, opened: opened, book: book)
    }

    /// Hands `change` to the evaluation loop and returns once it is applied; false when alerting
    /// has stopped (shutdown) and the change was not applied.
    package func apply(_ change: AlertingChange) async -> Bool {
        await changes.submit(change)
    }
}

/// A plan a reload asks alerting to run, with the queues and book it needs already opened by
/// `AlertingService.prepare`.
package struct AlertingChange: Sendable {
    /// The new plan.
    let plan: AlertingPlan
    /// A member for each receiver whose name is new.
    let opened: [ReceiverFleet.Member]
    /// The alert book, when alerting starts with this change.
    let book: AlertBook?
}

extension AlertingPlan {
    /// Whether the plan has neither rules nor receivers (alerting is off).
    package var isEmpty: Bool { rules.isEmpty && receivers.isEmpty }
}
