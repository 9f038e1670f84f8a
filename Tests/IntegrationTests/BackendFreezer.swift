// Stops (SIGSTOP) the backends of one application_name on the primary, as a stuck server would be.
import Foundation
import NIOConcurrencyHelpers

@testable import PGVigil
@testable import Postgres

#if canImport(Glibc)
import Glibc
#endif

/// Freezes the backends whose `application_name` is `applicationName`, and only those: other
/// suites share the primary. Only idle backends are stopped (they wait on their client and hold
/// no lock another session could need), and the next query of their client gets no answer.
/// `thaw` continues every backend it stopped and stops no more; call it in a `defer`. While any
/// backend is stopped, DROP DATABASE anywhere in the cluster waits (it needs every backend to
/// absorb a ProcSignalBarrier): run tests that freeze alone.
final class BackendFreezer: Sendable {
    /// The application name of the backends to freeze.
    let applicationName: String
    /// The database of the backends to freeze; nil: any.
    let database: String?
    private let admin: PostgresConnection
    /// Whether it still stops backends, and which it stopped; the lock also serialises the use
    /// of `admin`.
    private let state = NIOLockedValueBox((active: true, stopped: Set<Int32>()))

    /// Connects to the primary as a superuser, to find the backends.
    init(applicationName: String, database: String? = nil) throws {
        self.applicationName = applicationName
        self.database = database
        admin = try TestCluster.adminPrimary()
    }

    /// Stops every idle backend of the application not stopped yet; returns how many it has
    /// stopped in all.
    @discardableResult
    func freezeIdleBackends() throws -> Int {
        try state.withLockedValue { state in
            guard state.active else { return state.stopped.count }
            let rows = try admin.query(
                "SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle' AND datname = coalesce($2, datname)",
                [applicationName, database]
            ).rows
            for pid in try rows.compactMap({ try $0.int("pid").map(Int32.init) }) where state.stopped.insert(pid).inserted {
                kill(pid, SIGSTOP)
            }
            return state.stopped.count
        }
    }

    /// Keeps stopping new idle backends of the application (reconnects) every `every`, until
    /// the task is cancelled or `thaw` runs.
    func keepFreezing(every: Duration = .milliseconds(20)) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled, state.withLockedValue({ $0.active }) {
                _ = try? freezeIdleBackends()
                try? await Task.sleep(for: every)
            }
        }
    }

    /// Continues every stopped backend; stops none after.
    func thaw() {
        state.withLockedValue { state in
            state.active = false
            for pid in state.stopped { kill(pid, SIGCONT) }
        }
    }
}
