// The targets of the `file_sd:` entries, read again when a file changes or a refresh interval passes.
import Collectors
import Config
import Logging
import NIOConcurrencyHelpers
import Store

/// Keeps what the `file_sd:` files say. `refresh` compares every matched file's size and
/// modification time with the last read, and reads again the files that changed, appeared, or
/// whose entry's `refresh_interval` passed; a file gone takes its targets with it. A file that
/// does not read or parse keeps the targets it had (logged, counted in
/// `pgvigil_file_sd_read_errors_total`) until it reads again.
final class FileDiscovery: Sendable {
    /// What the files said when last read.
    private struct State {
        /// Per entry: each file's stamp when last read, and what it held (its last good read).
        var files: [[String: (stamp: FileSDReader.Stamp, targets: [TargetConfig])]]
        /// Per entry: when its files were last all read.
        var lastFullRead: [Double]
        /// Reads that failed since the start.
        var errors = 0
        /// The discovered list last returned.
        var last: [TargetConfig] = []
    }

    private let entries: [FileSDConfig]
    private let logger: Logger
    private let state: NIOLockedValueBox<State>

    /// Discovery over `entries`; nothing is read until `refresh`.
    init(entries: [FileSDConfig], logger: Logger) {
        self.entries = entries
        self.logger = logger
        state = NIOLockedValueBox(State(files: entries.map { _ in [:] }, lastFullRead: entries.map { _ in -.infinity }))
    }

    /// Reads what changed at `now`; the discovered targets (every entry's files in path order,
    /// targets in file order), or nil when they are what the last call returned.
    func refresh(now: Double) -> [TargetConfig]? {
        state.withLockedValue { state in
            for (index, entry) in entries.enumerated() {
                let refreshAll = now - state.lastFullRead[index] >= (entry.refreshInterval?.duration ?? .seconds(300)).seconds
                if refreshAll { state.lastFullRead[index] = now }
                let matched = FileSDReader.matches(entry.files)
                var files: [String: (stamp: FileSDReader.Stamp, targets: [TargetConfig])] = [:]
                for stamp in matched {
                    if let known = state.files[index][stamp.path], known.stamp == stamp, !refreshAll {
                        files[stamp.path] = known
                        continue
                    }
                    switch FileSDReader.targets(in: stamp.path, entry: entry).flatMap({ Self.checkedLabels($0, file: stamp.path) }) {
                    case .success(let targets):
                        files[stamp.path] = (stamp, targets)
                    case .failure(let error):
                        state.errors += 1
                        let kept = state.files[index][stamp.path]?.targets ?? []
                        logger.error(
                            "file_sd: cannot use the file; keeping its last good targets",
                            metadata: ["error": "\(error)", "kept_targets": "\(kept.count)"])
                        // The stamp is the new one: the file is not read again until it changes or the refresh interval passes.
                        files[stamp.path] = (stamp, kept)
                    }
                }
                state.files[index] = files
            }
            let discovered = state.files.flatMap { files in files.keys.sorted().flatMap { files[$0]?.targets ?? [] } }
            guard discovered != state.last else { return nil }
            state.last = discovered
            return discovered
        }
    }

    /// `targets` if every label name is valid and not one pgvigil sets itself, else the problem.
    private static func checkedLabels(_ targets: [TargetConfig], file: String) -> Result<[TargetConfig], ConfigError> {
        for target in targets {
            for name in target.labels.keys.sorted() {
                if !ConfigValidator.isValidLabelName(name) {
                    return .failure(ConfigError(file: file, field: "labels", message: "\"\(name)\" is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)"))
                }
                if CollectorRegistry.reservedLabelNames.contains(name) {
                    return .failure(
                        ConfigError(file: file, field: "labels", message: "\"\(name)\" is set by pgvigil itself; choose another label name"))
                }
            }
        }
        return .success(targets)
    }

    /// `pgvigil_file_sd_targets` and `pgvigil_file_sd_read_errors_total` (none without entries).
    var families: [MetricFamily] {
        guard !entries.isEmpty else { return [] }
        let (count, errors) = state.withLockedValue { ($0.last.count, $0.errors) }
        return [
            MetricFamily(
                name: "pgvigil_file_sd_targets", help: "Targets the file_sd files list now (before sharding).", type: .gauge,
                samples: [Sample(labels: [], value: Double(count))]),
            MetricFamily(
                name: "pgvigil_file_sd_read_errors_total", help: "Reads of a file_sd file that failed (its last good targets were kept).",
                type: .counter, samples: [Sample(labels: [], value: Double(errors))]),
        ]
    }
}
