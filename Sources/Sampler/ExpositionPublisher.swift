// Renders the exposition after each target's cycle and hands it to the HTTP server.
import Exposition
import Store
import Support

/// Collects the latest status of every target and renders what is served, so that scrapes only
/// copy bytes: a target's /probe body after each of its cycles, and /metrics (all targets) at
/// most every `minimumRenderInterval` while anything changed. Coalescing matters with many
/// targets: rendering every target's series after every target's cycle would cost the square
/// of the target count per interval.
package actor ExpositionPublisher {
    /// The shortest time between two renders of /metrics.
    static let minimumRenderInterval: Duration = .milliseconds(250)
    private let doorbell = Doorbell()
    private var pacing = RenderPacing(minimumInterval: ExpositionPublisher.minimumRenderInterval)
    /// What the render loop's waits run on (a manual clock in tests).
    private let clock: any Clock<Duration>
    private let store: SampleStore
    private let state: ServedState
    private var targetOrder: [String]
    private var statuses: [String: TargetStatus]
    private var perTarget: [String: LazyExposition] = [:]
    private var perTargetEncoded: [String: EncodedFamilies] = [:]
    private var agentEncoded = EncodedFamilies([])
    private let buildInfo = EncodedFamilies([SelfMetrics.buildInfo])
    /// The agent's families read at each render (the HTTP server's counters).
    private let agentFamilies: @Sendable () -> [MetricFamily]

    /// Creates a publisher for targets in config order, serving into `state`; `agentFamilies`
    /// are read afresh at each render of /metrics, and the render loop waits on `clock`.
    package init(
        initialStatuses: [TargetStatus], store: SampleStore, state: ServedState,
        agentFamilies: @escaping @Sendable () -> [MetricFamily] = { [] }, clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.clock = clock
        self.store = store
        self.state = state
        self.agentFamilies = agentFamilies
        self.targetOrder = initialStatuses.map(\.name)
        self.statuses = Dictionary(initialStatuses.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Records `status` after a cycle of its target and re-renders what is served; a target no
    /// longer in the config (its last cycle ending after a reload removed it) is ignored.
    package func publish(_ status: TargetStatus) async {
        guard statuses[status.name] != nil else { return }
        statuses[status.name] = status
        let encoded = EncodedFamilies(await store.snapshot(target: status.name))
        perTargetEncoded[status.name] = encoded
        perTarget[status.name] = LazyExposition(encoded: [encoded, buildInfo], lastSuccess: [(status.labels, status.lastSuccess)])
        changed()
    }

    /// Serves `targets` from now on, in this order (after a reload): one new or in `restarted`
    /// with its status before its first cycle, another as it was last published; targets not
    /// listed are no longer served.
    package func setTargets(_ targets: [TargetStatus], restarted: Set<String>) {
        targetOrder = targets.map(\.name)
        let kept = Set(targetOrder).subtracting(restarted)
        statuses = Dictionary(
            targets.map { ($0.name, kept.contains($0.name) ? statuses[$0.name] ?? $0 : $0) }, uniquingKeysWith: { first, _ in first })
        perTarget = perTarget.filter { kept.contains($0.key) }
        perTargetEncoded = perTargetEncoded.filter { kept.contains($0.key) }
        changed()
    }

    /// Re-renders because an agent family read at each render changed (a reload's outcome).
    package func agentFamiliesChanged() {
        changed()
    }

    /// Replaces alerting's families (they belong to no target) and re-renders.
    package func publishAlerting(families: [MetricFamily]) {
        agentEncoded = EncodedFamilies(families)
        changed()
    }

    /// Renders whenever something changed, at most every `minimumRenderInterval`, until cancelled.
    package func run() async {
        await run(on: clock)
    }

    private func run<C: Clock>(on clock: C) async where C.Duration == Duration {
        let start = clock.now
        while !Task.isCancelled {
            let now = start.duration(to: clock.now)
            switch pacing.next(at: now) {
            case .render:
                render()
                pacing.rendered(at: now)
            case .waitForChange:
                await doorbell.wait(timeout: .seconds(3600), on: clock)
            case .waitUntil(let offset):
                try? await clock.sleep(until: start.advanced(by: offset), tolerance: nil)
            }
        }
    }

    /// Renders now if anything changed (for `pgvigil once`, which has no render loop).
    package func renderNow() {
        guard pacing.changePending else { return }
        render()
        pacing.rendered(at: nil)
    }

    private func changed() {
        pacing.changed()
        doorbell.ring()
    }

    /// Renders /metrics from every target's latest families and the agent's own. Each target's
    /// families are then kept as their slices of the rendering, so its lines are held once.
    private func render() {
        let ordered = targetOrder.compactMap { statuses[$0] }
        let encodedTargets = targetOrder.compactMap { name in perTargetEncoded[name].map { (name: name, encoded: $0) } }
        let sources = encodedTargets.map(\.encoded) + [agentEncoded, EncodedFamilies(agentFamilies()), buildInfo]
        let exposition = RenderedExposition(encoded: sources, lastSuccess: ordered.map { ($0.labels, $0.lastSuccess) })
        for (target, relocated) in zip(encodedTargets, exposition.sources) {
            perTargetEncoded[target.name] = relocated
            perTarget[target.name]?.relocate([relocated, buildInfo])
        }
        state.update(ServedSnapshot(exposition: exposition, perTarget: perTarget, targets: ordered))
    }
}
