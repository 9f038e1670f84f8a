// Reads a fuzz corpus: the committed seed inputs and every crash the fuzzers found.
import FoundationEssentials
import Support

/// The files of a fuzz corpus directory (`Fuzz/corpus/TARGET/`), for the replay in the unit tests
/// and in `pgvigil-fuzz`.
package enum FuzzCorpus {
    /// `path` itself if it is a file, else the files directly in it, sorted by name.
    package static func files(at path: String) -> [String] {
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }

    /// The bytes of `file`, nil if it cannot be read.
    package static func read(_ file: String) -> [UInt8]? {
        try? WholeFile.read(file)
    }
}
