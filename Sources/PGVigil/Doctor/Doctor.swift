// `pgvigil doctor`: connects to every target as the agent would and judges its setup.
import Config
import NIOPosix
import Postgres

/// Examines each target of a config with the agent's own connection settings, all at once,
/// each on a lane of its own (a server that does not answer costs its `timeout`, no more).
package enum Doctor {
    /// The findings on each target of `config`, in config order.
    package static func examine(_ config: AgentConfig) async -> [DoctorExamination] {
        let pool = NIOThreadPool(numberOfThreads: max(1, min(config.targets.count, 8)))
        pool.start()
        defer { pool.shutdownGracefully { _ in } }
        return await withTaskGroup(of: (Int, DoctorExamination).self) { group in
            for (index, target) in config.targets.enumerated() {
                group.addTask(priority: nil) {
                    (index, await examine(target, timeout: config.timeout.duration, lane: TargetLane(sharing: pool)))
                }
            }
            var examinations: [(Int, DoctorExamination)] = []
            for await examination in group { examinations.append(examination) }
            return examinations.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// The findings on one target.
    static func examine(_ target: TargetConfig, timeout: Duration, lane: TargetLane) async -> DoctorExamination {
        let name = target.name ?? ""
        let connectionString: ConnectionString
        do {
            connectionString = try ConnectionString(target.dsn)
        } catch {
            return DoctorExamination(target: name, server: nil, findings: [DoctorRules.unreachable(error.reason)])
        }
        let session = DatabaseSession(
            settings: ConnectionSettings(connectionString: connectionString, timeout: timeout, kind: target.type), lane: lane)
        let examination = await examine(session, kind: target.type, user: connectionString.options["user"])
        await session.close()
        return DoctorExamination(target: name, server: examination.server, findings: examination.findings)
    }

    /// The server's version and the findings through `session`.
    private static func examine(_ session: DatabaseSession, kind: TargetKind, user: String?) async -> (server: String?, findings: [DoctorFinding]) {
        switch kind {
        case .pgbouncer:
            do {
                return (try await session.query(ServerInfo.pgBouncerQuery).rows.first.flatMap { try? $0.string("version") }, [])
            } catch {
                let refused = DoctorRules.pgBouncerFindings(user: user ?? "the dsn's user", refusal: "\(error)")
                return (nil, refused.isEmpty ? [DoctorRules.unreachable("\(error)")] : refused)
            }
        case .postgresql:
            do {
                let version = try await session.query(ServerInfo.query).rows.first.flatMap { try? $0.string("version") }
                return (version.map { "PostgreSQL \($0)" }, DoctorRules.findings(try await ServerSetup.read(session)))
            } catch {
                return (nil, [DoctorRules.unreachable("\(error)")])
            }
        }
    }
}
