// Every committed fuzz input (seeds and every crash the fuzzers ever found) replayed through its target.

import Testing

@testable import PGVigil

@Suite struct FuzzCorpusTests {
    /// Fuzz/corpus/, found from this file's place in the repository.
    private static let corpus: String = {
        var path = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
        path += "/Fuzz/corpus"
        return path
    }()

    @Test(arguments: FuzzTargets.all.keys.sorted())
    func everyCommittedInputPasses(target: String) throws {
        let run = try #require(FuzzTargets.all[target])
        let files = FuzzCorpus.files(at: Self.corpus + "/" + target)
        #expect(files.count >= 2, "the seed corpus of \(target) is missing")
        for file in files {
            run(try #require(FuzzCorpus.read(file), "cannot read \(file)"))
        }
    }
}
