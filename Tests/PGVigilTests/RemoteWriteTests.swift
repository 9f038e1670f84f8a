// Remote-write's parts: the WriteRequest encoder byte for byte against protoc, snappy, batching,
// what the archive hands the queue, and the config's checks.

import Foundation
import TestSupport
import Testing
import WebClient

@testable import Config
@testable import PGVigil
@testable import RemoteWrite
@testable import Store

/// The four messages of Prometheus remote-write 1.0 that the encoder writes, for protoc.
private let remoteProto = """
    syntax = "proto3";
    package prometheus;
    message WriteRequest { repeated TimeSeries timeseries = 1; }
    message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
    message Label { string name = 1; string value = 2; }
    message Sample { double value = 1; int64 timestamp = 2; }

    """

@Suite struct WriteRequestEncoderTests {
    /// What `protoc --encode=prometheus.WriteRequest` writes for the text-format message `text`.
    private func protoc(_ text: String) throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-proto-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try remoteProto.write(toFile: directory + "/remote.proto", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/protoc")
        process.arguments = ["--encode=prometheus.WriteRequest", "--proto_path=\(directory)", "remote.proto"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0)
        return Array(bytes)
    }

    @Test func theEncodingIsProtocsByteForByte() throws {
        let long = String(repeating: "x", count: 300)  // a length that takes two varint bytes
        let series = [
            WriteSeries(
                labels: [Label("__name__", "pg_up"), Label("cluster", "eu-1"), Label("target", "primary")],
                samples: [
                    SeriesPoint(timestamp: 1_764_000_000.123, value: 1), SeriesPoint(timestamp: 1_764_000_015.5, value: 0),
                    SeriesPoint(timestamp: 0, value: -2.5e-300),
                ]),
            WriteSeries(
                labels: [Label("__name__", "pg_x"), Label("empty", ""), Label("long", long)], samples: [SeriesPoint(timestamp: -1, value: .infinity)]),
        ]
        let text = """
            timeseries {
              labels { name: "__name__" value: "pg_up" }
              labels { name: "cluster" value: "eu-1" }
              labels { name: "target" value: "primary" }
              samples { value: 1 timestamp: 1764000000123 }
              samples { value: 0 timestamp: 1764000015500 }
              samples { value: -2.5e-300 timestamp: 0 }
            }
            timeseries {
              labels { name: "__name__" value: "pg_x" }
              labels { name: "empty" value: "" }
              labels { name: "long" value: "\(long)" }
              samples { value: inf timestamp: -1000 }
            }
            """
        #expect(WriteRequestEncoder.encode(series) == (try protoc(text)))
        #expect(WriteRequestEncoder.encode([]) == (try protoc("")))
    }

    @Test func aNaNIsSentWithItsBits() {
        // Prometheus's stale marker is one NaN pattern: a value's bits go out as they are.
        let stale = Double(bitPattern: 0x7ff0_0000_0000_0002)
        let body = WriteRequestEncoder.encode([WriteSeries(labels: [], samples: [SeriesPoint(timestamp: 0.001, value: stale)])])
        #expect(body == [0x0A, 0x0D, 0x12, 0x0B, 0x09, 0x02, 0, 0, 0, 0, 0, 0xF0, 0x7F, 0x10, 0x01])
    }

    @Test func snappyBlocksRoundTrip() {
        let body = WriteRequestEncoder.encode(
            (0..<50).map { index in
                WriteSeries(labels: [Label("__name__", "pg_up"), Label("target", "t\(index)")], samples: [SeriesPoint(timestamp: 1, value: 1)])
            })
        let compressed = Snappy.compress(body)
        #expect(compressed.count < body.count / 2)
        #expect(Snappy.uncompress(compressed) == body)
        #expect(Snappy.uncompress([0xFF, 0xFF, 0xFF]) == nil)
    }
}

@Suite struct RemoteWriteBatchTests {
    @Test func externalLabelsAreAddedUnlessTheSeriesHasThemAndLabelsSortByBytes() {
        let entries = [
            SeriesArchive.SeriesHistoryEntry(
                labels: [Label("__name__", "pg_up"), Label("target", "a"), Label("cluster", "own"), Label("datname", "")],
                points: (1...5).map { SeriesPoint(timestamp: Double($0), value: 1) }),
            SeriesArchive.SeriesHistoryEntry(labels: [Label("__name__", "pg_x"), Label("Zone", "z")], points: [SeriesPoint(timestamp: 9, value: 2)]),
        ]
        let batches = RemoteWriteQueue.batches(of: entries, externalLabels: [Label("cluster", "eu"), Label("replica", "a")], limit: 4)
        #expect(batches.map(\.count) == [4, 2])
        // The empty datname is no label at all (the protocol forbids empty values).
        #expect(batches[0].series[0].labels.map(\.name) == ["__name__", "cluster", "replica", "target"])
        #expect(batches[0].series[0].labels[1].value == "own")
        // A series cut across requests keeps its order; an upper-case name sorts before `__name__`.
        #expect(batches[1].series.map { $0.samples.map(\.timestamp) } == [[5], [9]])
        #expect(batches[1].series[1].labels.map(\.name) == ["Zone", "__name__", "cluster", "replica"])
    }
}

@Suite struct ArchiveReadMarkTests {
    private func family(_ value: Double) -> [MetricFamily] {
        [MetricFamily(name: "pg_up", help: "", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: value)])]
    }

    @Test func eachReadReturnsWhatWasRecordedSinceTheLastAndCountsWhatTheHistoryLost() {
        let archive = SeriesArchive()
        let source = SeriesSource(target: "a", collector: "activity")
        for second in 1...3 { archive.append(family(Double(second)), source: source, timestamp: Double(second), capacity: 4, retention: 60) }
        let first = archive.recorded(after: ArchiveReadMark())
        #expect(first.series.map(\.labels) == [[Label("__name__", "pg_up"), Label("target", "a")]])
        #expect(first.series.first?.points.map(\.value) == [1, 2, 3])
        #expect(first.lost == 0)
        #expect(archive.recorded(after: first.mark).series.isEmpty)

        // Seven more cycles into a history of four: three were never read.
        for second in 4...10 { archive.append(family(Double(second)), source: source, timestamp: Double(second), capacity: 4, retention: 60) }
        let second = archive.recorded(after: first.mark)
        #expect(second.series.first?.points.map(\.timestamp) == [7, 8, 9, 10])
        #expect(second.lost == 3)
    }

    @Test func aCycleIsReadOnlyOnceItsDerivedFamiliesAreStoredToo() {
        let archive = SeriesArchive()
        let source = SeriesSource(target: "a", collector: "cache_hit_ratio")
        let derived = [MetricFamily(name: "pg_ratio", help: "", type: .gauge, samples: [Sample(labels: [Label("target", "a")], value: 0.9)])]
        archive.append(family(1), source: source, timestamp: 1, capacity: 8, retention: 60, completing: false)
        let early = archive.recorded(after: ArchiveReadMark())
        #expect(early.series.isEmpty)
        archive.append(derived, source: source, timestamp: 1, capacity: 8, retention: 60)
        let complete = archive.recorded(after: early.mark)
        #expect(complete.series.map { $0.labels[0].value }.sorted() == ["pg_ratio", "pg_up"])
        // The next cycle's own families are not read before its derived ones.
        archive.append(family(2), source: source, timestamp: 2, capacity: 8, retention: 60, completing: false)
        #expect(archive.recorded(after: complete.mark).series.isEmpty)
    }
}

@Suite struct RemoteWritePlanTests {
    private func plan(_ yaml: String, environment: [String: String] = [:]) throws(ConfigError) -> RemoteWritePlan {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-\(UUID().uuidString).yaml").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(("targets: [{ dsn: \"host=a\" }]\n" + yaml).utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try AgentSetup.load(overrides: ConfigOverrides(configFile: path), environment: environment).remoteWrite
    }

    private func problem(_ yaml: String) -> String {
        do {
            _ = try plan(yaml)
            return "no problem"
        } catch {
            return "\(error.field): \(error.message)"
        }
    }

    @Test func endpointsResolveCredentialsAndDefaults() throws {
        let resolved = try plan(
            """
            external_labels: { replica: b, cluster: eu }
            remote_write:
              - url: https://mimir.example/api/v1/push
                headers: { X-Scope-OrgID: "${TENANT}" }
                basic_auth: { username: agent, password: "${PASSWORD}" }
              - url: http://127.0.0.1:9090/api/v1/write
                name: local
                bearer_token: token
                queue_config: { max_samples_per_send: 500, batch_send_deadline: 1s }
            """, environment: ["TENANT": "team-a", "PASSWORD": "s3cret"])
        #expect(resolved.externalLabels == [Label("cluster", "eu"), Label("replica", "b")])
        let mimir = try #require(resolved.endpoints.first)
        #expect(mimir.name == "mimir.example" && mimir.timeout == .seconds(30) && mimir.maxSamplesPerSend == 2000)
        #expect(mimir.headers.map(\.name) == ["X-Scope-OrgID", "Authorization"])
        #expect(mimir.headers.map(\.value) == ["team-a", "Basic " + Data("agent:s3cret".utf8).base64EncodedString()])
        let local = try #require(resolved.endpoints.last)
        #expect(local.name == "local" && local.maxSamplesPerSend == 500 && local.sendInterval == .seconds(1))
        #expect(local.headers.map(\.value) == ["Bearer token"])
    }

    @Test func checkConfigMasksEveryRemoteWriteSecretAndTheTemplatesPassword() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-\(UUID().uuidString).yaml").path
        _ = FileManager.default.createFile(
            atPath: path,
            contents: Data(
                """
                file_sd: [{ files: [/tmp/none/*.json], dsn_template: "host={{host}} password=template-secret" }]
                remote_write:
                  - url: https://user:url-secret@mimir.example/api/v1/push?key=query-secret
                    headers: { X-Scope-OrgID: header-secret }
                    basic_auth: { username: agent, password: basic-secret }
                  - url: http://127.0.0.1:9090/api/v1/write
                    bearer_token: token-secret

                """.utf8))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let printed = try EffectiveConfigPrinter.yaml(AgentSetup.load(overrides: ConfigOverrides(configFile: path), environment: [:]).config)
        for secret in ["template-secret", "url-secret", "query-secret", "header-secret", "basic-secret", "token-secret"] {
            #expect(!printed.contains(secret), "\(secret) printed")
        }
        #expect(printed.contains("mimir.example") && printed.contains("username: agent"))
    }

    @Test func aBadEntryNamesItsField() {
        #expect(problem("remote_write: [{ url: ftp://x/ }]\n") == "remote_write[0].url: the URL's scheme is not http or https")
        #expect(
            problem("remote_write: [{ url: http://a/, bearer_token: t, basic_auth: { username: u, password: p } }]\n")
                == "remote_write[0].bearer_token: give bearer_token or basic_auth, not both")
        #expect(
            problem("remote_write: [{ url: http://a/w }, { url: http://a/v }]\n")
                == "remote_write[1].url: another remote_write entry is already named \"a\" (give each a name:)")
        #expect(
            problem("remote_write: [{ url: http://a/, headers: { Authorization: x } }]\n")
                == "remote_write[0].headers.Authorization: is set by the agent (use bearer_token or basic_auth for credentials)")
        #expect(
            problem("remote_write: [{ url: http://a/, queue_config: { max_samples_per_send: 0 } }]\n")
                == "remote_write[0].queue_config.max_samples_per_send: 0 is out of range: must be from 1 to 100000")
        #expect(problem("remote_write: [{ url: http://a/, tls: {} }]\n").hasPrefix("remote_write[0].tls: "))
        #expect(problem("external_labels: { __x: y }\n").hasPrefix("external_labels.__x: \"__x\" is not a label name"))
    }

    @Test func aClientCertificateNeedsItsKeyAndBothMustReadAndMatch() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        try certificates.issue("agent", sans: ["DNS:agent"])
        try certificates.issue("other", sans: ["DNS:other"])
        func tls(_ fields: String) -> String { problem("remote_write: [{ url: https://a/, tls_config: { \(fields) } }]\n") }
        let (certificate, key) = (certificates.path("agent.crt"), certificates.path("agent.key"))
        #expect(tls("cert_file: \(certificate), key_file: \(key), ca_file: \(certificates.path("ca.crt"))") == "no problem")
        let resolved = try plan("remote_write: [{ url: https://a/, tls_config: { cert_file: \(certificate), key_file: \(key) } }]\n")
        #expect(resolved.endpoints.first?.tls == WebClientTLS(certificateFile: certificate, keyFile: key))
        #expect(tls("cert_file: \(certificate)") == "remote_write[0].tls_config.cert_file: needs key_file, its private key")
        #expect(tls("key_file: \(key)") == "remote_write[0].tls_config.key_file: needs cert_file, the certificate it belongs to")
        #expect(
            tls("cert_file: \(certificates.path("none.crt")), key_file: \(key)")
                .hasPrefix("remote_write[0].tls_config.cert_file: cannot read a PEM certificate from it"))
        #expect(
            tls("cert_file: \(certificate), key_file: \(certificate)").hasPrefix(
                "remote_write[0].tls_config.key_file: cannot read a PEM private key from it"))
        #expect(
            tls("cert_file: \(certificate), key_file: \(certificates.path("other.key"))")
                .hasPrefix("remote_write[0].tls_config.key_file: is not the private key of the certificate"))
        #expect(tls("insecure_skip_verify: true").hasPrefix("remote_write[0].tls_config.insecure_skip_verify: unknown field"))
    }
}
