// The targets being sampled, each run by the sampler service, changed while they run by a reload.
import Postgres
import Store
import Support

/// The targets being sampled, in config order. `SamplerService` runs every member that `starts`
/// yields; `apply` (a reload) stops the members that left or changed, waits for their last cycle
/// to end, forgets a removed target's series, and starts the new and changed ones. A member that
/// did not change keeps its sampler, its connection and its history.
package actor TargetFleet {
    /// One target being sampled: its sampler, the lane its libpq calls run on, and its stop signal.
    package final class Member: Sendable {
        /// The target as resolved from the config.
        package let target: MonitoredTarget
        /// Its sampling loop.
        package let sampler: TargetSampler
        /// The thread of its blocking calls; shut down by the fleet once the member ended.
        let lane: TargetLane
        /// Stopped when a reload removes or changes its target.
        let loop = StoppableRun()

        init(target: MonitoredTarget, lane: TargetLane, makeSampler: (MonitoredTarget, TargetLane) -> TargetSampler) {
            self.target = target
            self.lane = lane
            sampler = makeSampler(target, lane)
        }

        /// Samples until stopped, cancelled or shut down gracefully.
        package func run() async {
            await loop.run { await self.sampler.run() }
        }
    }

    /// Every member, as `SamplerService` is to run them: the first ones, then those a reload adds.
    package nonisolated let starts: AsyncStream<Member>
    private let startsContinuation: AsyncStream<Member>.Continuation
    private let makeSampler: @Sendable (MonitoredTarget, TargetLane) -> TargetSampler
    private var members: [Member]

    /// A fleet of `targets`, each given a lane of its own and the sampler `makeSampler` makes.
    package init(targets: [MonitoredTarget], makeSampler: @escaping @Sendable (MonitoredTarget, TargetLane) -> TargetSampler) {
        (starts, startsContinuation) = AsyncStream.makeStream(of: Member.self)
        self.makeSampler = makeSampler
        members = targets.map { Member(target: $0, lane: .dedicated(), makeSampler: makeSampler) }
        for member in members { startsContinuation.yield(member) }
    }

    /// The members' samplers, in config order.
    package var samplers: [TargetSampler] { members.map(\.sampler) }

    /// Samples `targets` from now on (a reload): a target whose name is gone is stopped and its
    /// series forgotten; one in `restarted` (its config changed) is stopped and started anew
    /// with its history kept; one new is started; the others go on as they were. Returns once
    /// the stopped members' last cycles ended and `publisher` serves the new list.
    package func apply(_ targets: [MonitoredTarget], restarted: Set<String>, store: SampleStore, publisher: ExpositionPublisher) async {
        let wanted = Set(targets.map(\.name))
        let leaving = members.filter { !wanted.contains($0.target.name) || restarted.contains($0.target.name) }
        for member in leaving { member.loop.stop() }
        for member in leaving {
            await member.loop.ended()
            member.lane.shutDown()
            if wanted.contains(member.target.name) {
                await store.dropAll(target: member.target.name)
            } else {
                await store.forget(target: member.target.name)
            }
        }
        let leavingNames = Set(leaving.map(\.target.name))
        let staying = Dictionary(
            members.filter { !leavingNames.contains($0.target.name) }.map { ($0.target.name, $0) }, uniquingKeysWith: { first, _ in first })
        members = targets.map { staying[$0.name] ?? Member(target: $0, lane: .dedicated(), makeSampler: makeSampler) }
        await publisher.setTargets(members.map { TargetSampler.initialStatus(of: $0.target) }, restarted: restarted)
        for member in members where staying[member.target.name] == nil { startsContinuation.yield(member) }
    }

    /// Shuts down every member's lane (the agent is stopping; their loops have ended).
    package func shutDownLanes() {
        for member in members { member.lane.shutDown() }
    }
}
