// The receivers being delivered to, a delivery queue each, changed while they run by a reload.
import Logging
import Support

/// The receivers of the alerting plan, in config order: one delivery queue each, whose posts
/// block nothing, so a receiver that hangs holds up no other. `AlertingService` runs every member
/// `starts` yields. A reload (`apply`) updates a changed receiver in place (what
/// waits in its backlog and spool goes on, sent with the new settings), stops a removed one (what
/// it had not sent stays in its spool directory, unless the spool could not be written, and is
/// sent if a receiver of that name is configured again) and starts an added one. A receiver is known by its name.
package actor ReceiverFleet {
    /// One receiver being delivered to: its queue and its stop signal.
    package final class Member: Sendable {
        /// The receiver's delivery queue.
        package let queue: DeliveryQueue
        /// Stopped when a reload removes the receiver.
        let loop = StoppableRun()

        /// A member delivering through `queue`.
        package init(queue: DeliveryQueue) {
            self.queue = queue
        }

        /// Delivers until stopped, cancelled or shut down; what is unsent is spooled at the end.
        func run() async {
            await loop.run { await self.queue.run() }
        }
    }

    /// Every member, as `AlertingService` is to run them: the first ones, then those a reload adds.
    nonisolated let starts: AsyncStream<Member>
    private let startsContinuation: AsyncStream<Member>.Continuation
    private var members: [Member]
    /// The URL in the payloads, which a reload may change for every receiver.
    private var externalURL: String

    /// A fleet of `members` (opened by `open`), sending `externalURL` in their payloads.
    package init(members: [Member], externalURL: String) {
        (starts, startsContinuation) = AsyncStream.makeStream(of: Member.self)
        self.members = members
        self.externalURL = externalURL
        for member in members { startsContinuation.yield(member) }
    }

    /// The queues, in config order.
    var queues: [DeliveryQueue] { members.map(\.queue) }

    /// Opens a member for each of `receivers`, posting through `transport`: its spool directory
    /// under `spoolDirectory` (created if needed) and what an earlier run left there. Nothing is
    /// sent until the fleet runs it; a spool that cannot be opened throws.
    package static func open(
        _ receivers: [ReceiverSettings], spoolDirectory: String, externalURL: String, transport: any WebhookTransport, disk: DiskWorker,
        logger: Logger, wallClock: @escaping @Sendable () -> Double
    ) throws(SpoolError) -> [Member] {
        try receivers.map { receiver throws(SpoolError) in
            Member(
                queue: try DeliveryQueue(
                    receiver: receiver, spool: try Spool(directory: spoolDirectory + "/" + spoolName(of: receiver.name)), disk: disk,
                    transport: transport, externalURL: externalURL, logger: logger, wallClock: wallClock))
        }
    }

    /// The spool subdirectory of the receiver `name`: letters, digits and `-_.` kept, anything else `_`.
    static func spoolName(of name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" })
    }

    /// Delivers to `receivers` from now on (a reload), with `externalURL` in the payloads: `opened`
    /// holds a member for each receiver whose name is new (from `open`). A receiver gone is stopped
    /// (returns once its last attempt ended and what it had not sent is spooled); one whose
    /// settings or the URL changed is updated in place; the others go on as they were.
    func apply(_ receivers: [ReceiverSettings], opened: [Member], externalURL: String) async {
        let wanted = Set(receivers.map(\.name))
        let leaving = members.filter { !wanted.contains($0.queue.name) }
        for member in leaving { member.loop.stop() }
        for member in leaving {
            await member.loop.ended()
            await member.queue.logRemoved()
        }
        let staying = Dictionary(
            members.filter { wanted.contains($0.queue.name) }.map { ($0.queue.name, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(opened.map { ($0.queue.name, $0) }, uniquingKeysWith: { first, _ in first })
        var next: [Member] = []
        for receiver in receivers {
            if let member = staying[receiver.name] {
                if await member.queue.receiver != receiver || externalURL != self.externalURL {
                    await member.queue.update(receiver, externalURL: externalURL)
                }
                next.append(member)
            } else if let member = new[receiver.name] {
                next.append(member)
                startsContinuation.yield(member)
            }
        }
        members = next
        self.externalURL = externalURL
    }
}
