// bcrypt hashes made by Apache's htpasswd (Debian's apache2-utils), a peer independent of libcrypt.
import Foundation
import Testing

/// `htpasswd -nbB`, as operators make the hashes of a web config's `basic_auth_users`.
enum Htpasswd {
    /// The hash `htpasswd -nbB -C COST USER PASSWORD` prints after the colon.
    static func hash(_ user: String, _ password: String, cost: Int) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/htpasswd")
        process.arguments = ["-nbB", "-C", String(cost), user, password]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let line = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(try #require(line.split(separator: "\n").first?.split(separator: ":", maxSplits: 1).last, "htpasswd printed: \(line)"))
    }
}
