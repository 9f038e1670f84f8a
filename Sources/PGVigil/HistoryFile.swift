// The history saved under the state directory: read at start, written periodically and at shutdown.
import AsyncAlgorithms
import Config
import Logging
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle
import Store
import Support

#if canImport(Glibc)
import Glibc
#endif

/// `state_directory/history.pgvh`: every series' history in `SeriesArchive`'s saved form. Read
/// once before sampling starts, so sparklines, windows and rules go on after a restart or an
/// upgrade; written every `saveInterval` (crash-safe: temporary file, fsync, rename) and once
/// more after sampling stopped at a graceful shutdown. A file that cannot be read is moved
/// aside (`.unreadable`) and the agent starts without it; a save that fails is logged and shown
/// by `pgvigil_history_last_save_successful`, and tried again at the next.
package final class HistoryFile: Sendable {
    static let name = "history.pgvh"
    /// How often the history is saved while the agent runs.
    static let saveInterval: Duration = .seconds(300)
    /// The largest file read back (a history of 200,000 points for many series stays below it).
    static let readLimit = 1 << 30

    /// The state directory.
    let directory: String
    private let logger: Logger
    /// When the last save finished, and whether it succeeded.
    private let lastSave = NIOLockedValueBox<(at: Double, succeeded: Bool)?>(nil)

    private init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    var path: String { directory + "/" + Self.name }

    /// The file for `config`: under its `state_directory` (created, 0700, when missing), or under
    /// the default one when that exists; nil when the config names none and the default does
    /// not exist (said once in the log).
    static func resolve(_ config: AgentConfig, logger: Logger) throws(DurableFileError) -> HistoryFile? {
        if let directory = config.stateDirectory {
            try DurableFile.makeDirectory(directory)
            return HistoryFile(directory: directory, logger: logger)
        }
        var status = stat()
        guard stat(AgentConfig.defaultStateDirectory, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            logger.notice(
                "history is not saved across restarts: set state_directory",
                metadata: ["missing": "\(AgentConfig.defaultStateDirectory)"])
            return nil
        }
        return HistoryFile(directory: AgentConfig.defaultStateDirectory, logger: logger)
    }

    /// Reads the saved history into `archive` (before anything is appended), keeping only the
    /// series of `targets`; returns the remote-write marks saved with it (by endpoint name).
    func load(into archive: SeriesArchive, keeping targets: Set<String>) -> [String: ArchiveReadMark] {
        let bytes: [UInt8]
        do {
            bytes = try WholeFile.read(path, limit: Self.readLimit)
        } catch {
            if !error.isMissing {
                logger.warning("cannot read the saved history; starting without it", metadata: ["file": "\(path)", "reason": "\(error)"])
            }
            return [:]
        }
        let marks: [String: ArchiveReadMark]
        do {
            marks = try archive.restore(bytes)
        } catch {
            let aside = path + ".unreadable"
            rename(path, aside)
            logger.warning(
                "the saved history is unreadable; starting without it", metadata: ["file": "\(path)", "moved_to": "\(aside)", "reason": "\(error)"])
            return [:]
        }
        for target in archive.targets().subtracting(targets) { archive.forget(target: target) }
        logger.info("history restored", metadata: ["file": "\(path)", "bytes": "\(bytes.count)"])
        return marks
    }

    /// Writes `archive` and the remote-write `marks` durably, at `now`, on a thread of the
    /// blocking pool (encoding and fsync take a while for a large history; no task thread waits
    /// on them); a failure is logged (once in a row) and shown, not thrown.
    func save(_ archive: SeriesArchive, marks: [String: ArchiveReadMark], now: Double) async {
        let failure: String?
        do {
            failure = try await NIOThreadPool.singleton.runIfActive { [directory] () -> String? in
                let bytes = archive.snapshot(marks: marks)
                guard bytes.count <= Self.readLimit else {
                    return "the history is \(bytes.count >> 20) MiB, more than the \(Self.readLimit >> 20) MiB read back at start: shorten history"
                }
                do {
                    try DurableFile.write(bytes, directory: directory, name: Self.name)
                    return nil
                } catch {
                    return "\(error)"
                }
            }
        } catch {
            failure = "\(error)"
        }
        let failedBefore = lastSave.withLockedValue { last in
            defer { last = (now, failure == nil) }
            return last?.succeeded == false
        }
        if let failure, !failedBefore { logger.error("cannot save the history; a restart would lose it", metadata: ["reason": "\(failure)"]) }
    }

    /// `pgvigil_history_last_save_successful` and `pgvigil_history_last_save_timestamp_seconds` (none before the first save).
    var families: [MetricFamily] {
        guard let last = lastSave.withLockedValue({ $0 }) else { return [] }
        return [
            MetricFamily(
                name: "pgvigil_history_last_save_successful", help: "1 if the last save of the history to the state directory succeeded.",
                type: .gauge, samples: [Sample(labels: [], value: last.succeeded ? 1 : 0)]),
            MetricFamily(
                name: "pgvigil_history_last_save_timestamp_seconds", help: "When the history was last saved (or the save failed).",
                type: .gauge, samples: [Sample(labels: [], value: last.at)]),
        ]
    }
}

/// Saves the history every `HistoryFile.saveInterval` until graceful shutdown (the agent saves
/// once more after sampling stopped).
struct HistorySaveService: Service {
    let file: HistoryFile
    let archive: SeriesArchive
    /// How far each remote-write endpoint got, saved beside the history.
    let marks: @Sendable () -> [String: ArchiveReadMark]
    let wallClock: @Sendable () -> Double

    func run() async {
        for await _ in AsyncTimerSequence(interval: HistoryFile.saveInterval, clock: ContinuousClock()).cancelOnGracefulShutdown() {
            await file.save(archive, marks: marks(), now: wallClock())
        }
    }
}
