// Unit tests of connection string parsing, redaction and target naming.

import Testing

@testable import PGVigil
@testable import Postgres

@Suite struct ConnectionStringTests {
    @Test(arguments: [
        ("host=db password=s3cret user=u", "host=db password=*** user=u"),
        ("host=db password = 'a b\\'c' user=u", "host=db password = *** user=u"),
        ("postgresql://user:s3cret@db:5432/postgres", "postgresql://user:***@db:5432/postgres"),
        ("postgres://db/postgres?user=u&password=s3cret&sslmode=require", "postgres://db/postgres?user=u&password=***&sslmode=require"),
        ("host=db user=u", "host=db user=u"),
    ])
    func redactsPasswords(dsn: String, expected: String) {
        #expect(ConnectionString.redact(dsn) == expected)
    }

    @Test func scrubsPasswordsOutOfMessages() {
        let message = ConnectionString.scrub("failed near \"s3cret\" and s3cret", secretsOf: "host=a password=s3cret")
        #expect(message == "failed near \"***\" and ***")
    }

    @Test func namesTargetsAfterHostAndPort() throws {
        #expect(try ConnectionString("host=db1 port=6432").defaultTargetName(environment: [:]) == "db1:6432")
        #expect(try ConnectionString("postgresql://u@db2/postgres").defaultTargetName(environment: [:]) == "db2:5432")
        #expect(try ConnectionString("dbname=x").defaultTargetName(environment: ["PGHOST": "envhost", "PGPORT": "5555"]) == "envhost:5555")
    }

    @Test func rejectsWhatLibpqRejects() {
        #expect(throws: ConnectionStringError.self) { _ = try ConnectionString("host=a nonsense_option=1") }
        #expect(throws: ConnectionStringError.self) { _ = try ConnectionString("postgresql://[broken") }
    }

    @Test func pgvigilAdditionsNeverOverrideTheDSN() throws {
        var settings = ConnectionSettings(
            connectionString: try ConnectionString("host=a keepalives_idle=5 application_name=mine"),
            timeout: .seconds(10))
        var keywords = settings.libpqParameters().map(\.0)
        #expect(!keywords.contains("keepalives_idle"))
        #expect(keywords.contains("tcp_user_timeout"))
        #expect(keywords.contains("fallback_application_name"))
        #expect(!keywords.contains("application_name"))
        settings.database = "app"
        keywords = settings.libpqParameters().map(\.0)
        #expect(settings.libpqParameters().last?.0 == "dbname")
        #expect(settings.libpqParameters().last?.1 == "app")
        #expect(keywords.first == "dbname")
    }

    @Test func gssapiEncryptionIsOffUnlessTheDSNTheEnvironmentAServiceOrKerberosMayAskForIt() throws {
        func gssencmode(_ dsn: String, _ environment: [String: String] = [:]) throws -> String? {
            let settings = ConnectionSettings(connectionString: try ConnectionString(dsn), timeout: .seconds(10))
            return settings.libpqParameters(environment: { environment[$0] }).last { $0.0 == "gssencmode" }?.1
        }
        #expect(try gssencmode("host=a") == "disable")
        #expect(try gssencmode("host=a gssencmode=prefer") == nil)  // the DSN's own, in the expanded dbname
        #expect(try gssencmode("postgresql://a/x?gssencmode=require") == nil)
        #expect(try gssencmode("host=a", ["PGGSSENCMODE": "require"]) == nil)
        #expect(try gssencmode("service=reporting") == nil)
        #expect(try gssencmode("host=a", ["PGSERVICE": "reporting"]) == nil)
        #expect(try gssencmode("host=a krbsrvname=pg") == nil)
        #expect(try gssencmode("host=a", ["KRB5CCNAME": "FILE:/run/pgvigil/krb5cc"]) == nil)
        #expect(try gssencmode("host=a", ["KRB5_CLIENT_KTNAME": "/etc/pgvigil.keytab"]) == nil)
        #expect(try gssencmode("host=a", ["PGHOST": "b"]) == "disable")
    }
    @Test func aDSNWithSeveralHostsIsTriedOneHostAtATime() throws {
        func attempts(_ dsn: String) throws -> [[String: String]] {
            let settings = ConnectionSettings(connectionString: try ConnectionString(dsn), timeout: .seconds(10))
            // Later pairs override earlier ones, as libpq reads them.
            return settings.connectAttempts.map { Dictionary($0, uniquingKeysWith: { _, later in later }) }
        }
        let split = try attempts("host=a,b port=5432,5433 dbname=x")
        #expect(split.map { $0["host"] } == ["a", "b"])
        #expect(split.map { $0["port"] } == ["5432", "5433"])
        let uri = try attempts("postgresql://u@a:5432,b:5433/x")
        #expect(uri.map { $0["host"] } == ["a", "b"])
        #expect(uri.map { $0["port"] } == ["5432", "5433"])
        let sharedPort = try attempts("host=a,b hostaddr=10.0.0.1,10.0.0.2 port=6432")
        #expect(sharedPort.map { $0["hostaddr"] } == ["10.0.0.1", "10.0.0.2"])
        #expect(sharedPort.allSatisfy { $0["port"] == nil })
        // One host, or lists libpq cannot match up (it reports that itself): the DSN as written.
        #expect(try attempts("host=a port=5432").count == 1)
        #expect(try attempts("host=a,b hostaddr=10.0.0.1").count == 1)
        #expect(try attempts("host=a,b,c port=1,2").count == 1)
    }
}
