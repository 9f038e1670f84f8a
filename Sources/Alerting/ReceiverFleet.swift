// The receivers being delivered to, a delivery queue each, changed while they run by a reload.
import Logging
import NIOPosix
import Support

/// The receivers of the alerting plan, in config order: one delivery queue each, with a thread of
/// its own for its blocking posts, so a receiver that hangs holds up no other. `AlertingService`
/// runs every member `starts` yields. A reload (`apply`) updates a changed receiver in place (what
/// waits in its backlog and spool goes on, sent with the new settings), stops a removed one (what
/// it had not sent stays in its spool directory and is sent if a receiver of that name is
/// configured again) and starts an added one. A receiver is known by its name.
package actor ReceiverFleet {
    /// One receiver being delivered to: its queue, its thread, and its stop signal.
    package final class Member: Sendable {
        /// The receiver's delivery queue.
        package let queue: DeliveryQueue
        /// The thread of its blocking posts; nil when the queue's transport needs none (tests).
        private let threadPool: NIOThreadPool?
        /// Stopped when a reload removes the receiver.
        let loop = StoppableRun()

        /// A member delivering through `queue`, whose transport runs on `threadPool` (started).
        package init(queue: DeliveryQueue, threadPool: NIOThreadPool? = nil) {
            self.queue = queue
            self.threadPool = threadPool
        }

        /// Delivers until stopped, cancelled or shut down; what is unsent is spooled at the end.
        func run() async {
            await loop.run { await self.queue.run() }
        }

        /// Ends its thread (its loop has ended, or never ran).
        func shutDown() {
            threadPool?.shutdownGracefully { _ in }
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

    /// Opens a member for each of `receivers`: its spool directory under `spoolDirectory` (created
    /// if needed) and what an earlier run left there, and its thread. Nothing is sent until the
    /// fleet runs it; a spool that cannot be opened throws, and the members opened before it are
    /// shut down.
    package static func open(
        _ receivers: [ReceiverSettings], spoolDirectory: String, externalURL: String, disk: DiskWorker, logger: Logger,
        wallClock: @escaping @Sendable () -> Double
    ) throws(SpoolError) -> [Member] {
        var opened: [Member] = []
        for receiver in receivers {
            let threadPool = NIOThreadPool(numberOfThreads: 1)
            threadPool.start()
            do {
                let queue = try DeliveryQueue(
                    receiver: receiver, spool: try Spool(directory: spoolDirectory + "/" + spoolName(of: receiver.name)), disk: disk,
                    transport: CurlWebhookClient(threadPool: threadPool), externalURL: externalURL, logger: logger, wallClock: wallClock)
                opened.append(Member(queue: queue, threadPool: threadPool))
            } catch {
                threadPool.shutdownGracefully { _ in }
                for member in opened { member.shutDown() }
                throw error
            }
        }
        return opened
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
            member.shutDown()
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

    /// Ends every member's thread (the agent is stopping; their loops have ended).
    func shutDown() {
        for member in members { member.shutDown() }
    }
}
