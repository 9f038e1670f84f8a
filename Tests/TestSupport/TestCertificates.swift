// Certificates made by openssl for the TLS tests: a CA, server and client certificates, a foreign CA.
import Foundation

/// A directory of PEM files made by the `openssl` command line, as an operator makes them:
/// `ca.crt` (the test CA), `NAME.crt` / `NAME.key` pairs signed by it or by a foreign CA.
package struct TestCertificates {
    /// Where the files are (removed by `remove`).
    package let directory: String

    /// A new directory with the CA `ca` and the foreign CA `foreign-ca` in it.
    package static func make() throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        for name in ["ca", "foreign-ca"] {
            try certificates.openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=pgvigil test \(name)",
                "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).crt",
            ])
        }
        return certificates
    }

    /// The path of `file` in the directory.
    package func path(_ file: String) -> String { directory + "/" + file }

    /// Makes `NAME.crt` and `NAME.key`, signed by `issuer` (`ca` or `foreign-ca`), with the
    /// subject alternative names `sans` (openssl's syntax: `IP:127.0.0.1`, `DNS:name`) and
    /// the serial number `serial`.
    package func issue(_ name: String, sans: [String], serial: Int = 1000, issuer: String = "ca") throws {
        try "subjectAltName=\(sans.joined(separator: ","))\n".write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=\(name)",
            "-keyout", path("\(name).key"), "-out", path("\(name).csr"),
        ])
        try openssl([
            "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(issuer).crt"), "-CAkey", path("\(issuer).key"),
            "-set_serial", String(serial), "-days", "2", "-extfile", path("\(name).ext"), "-out", path("\(name).crt"),
        ])
    }

    /// Removes the directory.
    package func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `openssl ARGUMENTS`; throws its output when it fails.
    private func openssl(_ arguments: [String]) throws {
        let result = try TLSClientCommand.run("/usr/bin/openssl", arguments)
        guard result.status == 0 else { throw CommandFailure(description: "openssl \(arguments.joined(separator: " ")): \(result.output)") }
    }
}

/// A command a test ran that failed, with what it printed.
package struct CommandFailure: Error, CustomStringConvertible {
    package var description: String
}

/// The command-line TLS clients the tests drive: curl and `openssl s_client`.
package enum TLSClientCommand {
    /// Runs `executable ARGUMENTS` with stdin empty; returns its exit status and its output
    /// (stdout and stderr together).
    package static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// curl's HTTP status for `url` with `options` (0 when no response came), and curl's exit status.
    package static func curl(_ url: String, _ options: [String] = []) throws -> (http: Int, exit: Int32) {
        let result = try run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"] + options + [url])
        return (Int(result.output.suffix(3)) ?? 0, result.status)
    }

    /// The serial number (hex, as openssl prints it) of the certificate the server on `port`
    /// presents, with `options` for s_client (e.g. `-tls1_2`); nil when the handshake fails.
    package static func servedSerial(port: Int, _ options: [String] = []) throws -> String? {
        try handshake(port: port, options).serial
    }

    /// An `openssl s_client` handshake with the server on `port`: the served certificate's serial
    /// (nil when the handshake failed) and what s_client printed (the alert it received).
    package static func handshake(port: Int, _ options: [String] = []) throws -> (serial: String?, output: String) {
        let handshake = try run("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(port)", "-showcerts"] + options)
        guard handshake.status == 0, let begin = handshake.output.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = handshake.output.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<handshake.output.endIndex)
        else { return (nil, handshake.output) }
        let pem = String(handshake.output[begin.lowerBound..<end.upperBound]) + "\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pgvigil-served-\(UUID().uuidString).pem").path
        try pem.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let serial = try run("/usr/bin/openssl", ["x509", "-in", file, "-noout", "-serial"])
        return (serial.output.split(separator: "=").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, handshake.output)
    }
}
