import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program as a child process, so that what it allocates is measured apart from the harness.
///
/// Peak memory is not taken from `wait4`'s `ru_maxrss`: Linux folds the parent's high-water mark into the child's
/// at `exec`, so a harness holding 300 MB would report 300 MB for every child. Programs that report their own
/// peak (``ResidentMemory/peakBytes``, as `bench train` does) give the figure of the run alone. posix_spawn
/// rather than Foundation's `Process`, whose `run()` leaks 32 bytes a call (scripts/sanitizers/lsan.supp).
public struct ChildProcess {
    public struct Outcome: Sendable {
        public var exitStatus: Int32
        /// What the child wrote to stderr (for error messages), at most 64 KiB.
        public var standardError: String
    }

    /// Runs `executable` with `arguments`, stdout discarded, stderr captured.
    /// - Throws: ``BenchError`` when the program cannot be started.
    public static func run(_ executable: String, _ arguments: [String]) throws -> Outcome {
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("mlcore-child-\(getpid())-\(UUID().uuidString).err")
        defer { try? FileManager.default.removeItem(at: errorFile) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw BenchError("cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw BenchError("waiting for \(executable) failed: \(String(cString: strerror(errno)))") }
        }
        // WIFEXITED / WEXITSTATUS, spelled out (the C macros are not imported).
        let exited = status & 0x7F == 0
        let code: Int32 = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        let stderrText = (try? Data(contentsOf: errorFile)).map { String(decoding: $0.prefix(65_536), as: UTF8.self) } ?? ""
        return Outcome(exitStatus: code, standardError: stderrText)
    }

    /// The path of the running executable (`/proc/self/exe`).
    public static var currentExecutable: String? {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
    }
}
