// pgvigil-fuzz: one of FuzzTargets under libFuzzer, or a replay of corpus files through it.
//
//   Fuzz/run.sh [SECONDS] [TARGET...] builds with -sanitize=fuzzer,address and fuzzes (Fuzz/README.md)
//   pgvigil-fuzz TARGET FILE|DIR...  (a normal build) replays inputs, e.g. a crash to debug it

import PGVigil

#if canImport(Glibc)
import Glibc
#endif

#if PGVIGIL_LIBFUZZER
/// libFuzzer's driver (compiler-rt): parses its options from argv and calls back for each input.
@_silgen_name("LLVMFuzzerRunDriver")
func llvmFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// The target named on the command line, for libFuzzer's C callback (set once, before fuzzing).
nonisolated(unsafe) var fuzzTarget: @Sendable ([UInt8]) -> Void = { _ in }

/// The program's entry point in a fuzzing build: SwiftPM links an executable's `main` to
/// `<module>_main`. `pgvigil-fuzz TARGET [libFuzzer options] [CORPUS_DIR...]`.
@_cdecl("pgvigil_fuzz_main")
func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    guard argc >= 2, let name = argv[1].map({ String(cString: $0) }), let target = FuzzTargets.all[name] else {
        complain("usage: pgvigil-fuzz \(FuzzTargets.all.keys.sorted().joined(separator: "|")) [libFuzzer options] [CORPUS_DIR...]")
        return 2
    }
    fuzzTarget = target
    // libFuzzer sees the program name and what follows TARGET.
    argv[1] = argv[0]
    var count = argc - 1
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv + 1
    return llvmFuzzerRunDriver(&count, &arguments, fuzzOneInput)
}

/// libFuzzer's per-input entry point; its archive's own `main` refers to it, though `fuzzMain`
/// above is the one that runs.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    fuzzTarget(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}
#else
/// Replays files through a target: `pgvigil-fuzz TARGET FILE|DIR...`.
@main
enum FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let target = FuzzTargets.all[arguments[1]] else {
            complain("usage: pgvigil-fuzz \(FuzzTargets.all.keys.sorted().joined(separator: "|")) FILE|DIR ...")
            exit(2)
        }
        var replayed = 0
        for path in arguments.dropFirst(2) {
            for file in FuzzCorpus.files(at: path) {
                guard let bytes = FuzzCorpus.read(file) else {
                    complain("cannot read \(file)")
                    exit(1)
                }
                target(bytes)
                replayed += 1
            }
        }
        print("replayed \(replayed) inputs through \(arguments[1])")
    }
}
#endif

/// Writes `message` and a newline to standard error.
func complain(_ message: String) {
    let line = Array((message + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
