// Access to the real primary and replica that scripts/test.sh starts on loopback.
import Foundation
import NIOPosix
import Testing

@testable import PGVigil
@testable import Postgres

/// The servers of the integration run, named by environment variables that scripts/test.sh sets.
enum TestCluster {
    /// Whether scripts/test.sh started the servers.
    static let isAvailable = ProcessInfo.processInfo.environment["PGVIGIL_TEST_PRIMARY_DSN"] != nil

    /// Whether this is a CI run (`CI=true`), where every server and peer must be there.
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    /// Whether a suite whose `prerequisite` (servers, peers, privileges) holds runs: outside CI
    /// only then; under CI always, so a missing server fails the run instead of skipping it.
    static func runs(if prerequisite: Bool) -> Bool {
        prerequisite || isCI
    }

    /// The DSN of the least-privileged monitoring role (`pg_monitor` only) on the primary / replica.
    static var primaryDSN: String { environment("PGVIGIL_TEST_PRIMARY_DSN") }
    static var replicaDSN: String { environment("PGVIGIL_TEST_REPLICA_DSN") }

    /// The primary's port, as the DSN names it.
    static var primaryPort: String {
        primaryDSN.firstMatch(of: /port=(\d+)/).map { String($0.output.1) } ?? ""
    }

    /// A superuser connection to the primary, for setting up test data.
    static func adminPrimary() throws -> PostgresConnection {
        try PostgresConnection(parameters: [("dbname", environment("PGVIGIL_TEST_ADMIN_PRIMARY_DSN"))], dsn: "")
    }

    /// A superuser connection to the replica, for pausing replay.
    static func adminReplica() throws -> PostgresConnection {
        try PostgresConnection(parameters: [("dbname", environment("PGVIGIL_TEST_ADMIN_REPLICA_DSN"))], dsn: "")
    }

    /// A superuser connection to another database of the primary.
    static func adminPrimary(database: String) throws -> PostgresConnection {
        try PostgresConnection(parameters: [("dbname", environment("PGVIGIL_TEST_ADMIN_PRIMARY_DSN")), ("dbname", database)], dsn: "")
    }

    /// A monitoring session (read-only, bounded) to `dsn`, as the agent opens it.
    static func monitoringSession(_ dsn: String, databases: DatabaseSelection = .auto) throws -> DatabaseSession {
        DatabaseSession(
            settings: ConnectionSettings(
                connectionString: try ConnectionString(dsn), timeout: .seconds(10), databases: databases),
            lane: TargetLane(sharing: .singleton))
    }

    /// A name no other test uses, for tables and databases.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UInt32.random(in: 0...UInt32.max))"
    }

    private static func environment(_ name: String) -> String {
        ProcessInfo.processInfo.environment[name] ?? ""
    }
}
