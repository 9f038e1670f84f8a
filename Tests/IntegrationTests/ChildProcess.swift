// Runs a helper command (the cluster script) to completion, off the concurrency pool.
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Runs `arguments` (absolute path first) with posix_spawn, waits for it on the thread pool, and
/// returns its exit status (Foundation's Process.waitUntilExit can miss the exit of a child whose
/// own children are daemons, such as pg_ctl's postmaster).
func runCommand(_ arguments: [String]) async throws -> Int32 {
    try await NIOThreadPool.singleton.runIfActive {
        var pid: pid_t = 0
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let spawned = posix_spawn(&pid, arguments[0], nil, nil, argv, environ)
        guard spawned == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return (status >> 8) & 0xff
    }
}
