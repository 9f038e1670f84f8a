// `pgvigil run` as a child process, waited on until it logs that it listens.
import Foundation

/// The agent binary started with some arguments; `start` returns once it logged `msg=listening`
/// (or exited, or 10 s passed), with what it logged and the port it bound.
struct ListeningAgent {
    let process: Process
    /// What the agent wrote to stderr until it listened.
    let log: String

    /// The port from the `listening` line, nil if it never listened.
    var port: Int? {
        log.split(separator: " ").first { $0.hasPrefix("port=") }.flatMap { Int($0.dropFirst(5).prefix { $0.isNumber }) }
    }

    /// Starts `binary run ARGUMENTS` and waits until it listens.
    static func start(_ binary: String, _ arguments: [String]) throws -> ListeningAgent {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["run"] + arguments
        let err = Pipe()
        process.standardError = err
        try process.run()
        var logged = Data()
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, process.isRunning, !String(decoding: logged, as: UTF8.self).contains("msg=listening") {
            logged.append(err.fileHandleForReading.availableData)
        }
        // An agent that exited (a bad config) has written all it will: read it to the end.
        if !process.isRunning { logged.append(err.fileHandleForReading.readDataToEndOfFile()) }
        return ListeningAgent(process: process, log: String(decoding: logged, as: UTF8.self))
    }

    /// SIGTERM, and wait for the exit.
    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
