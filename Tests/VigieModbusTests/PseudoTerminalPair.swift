import Dispatch
import Foundation
import Glibc

/// Two linked pseudo-terminals made by `socat`, standing for an RS-485 line: one end for the
/// simulator, one for the client. Stopped (and waited for) when released.
///
/// Spawned with posix_spawn and an empty signal mask: the test runner blocks SIGTERM in its
/// threads, and a child inheriting that mask would ignore it (the pair would never close).
final class PseudoTerminalPair: Sendable {
    let serverPath: String
    let clientPath: String
    private let pid: pid_t

    init() throws {
        let base = "/tmp/vigie-rtu-\(UUID().uuidString.prefix(8))"
        serverPath = base + "-server"
        clientPath = base + "-client"
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let arguments = ["socat", "pty,raw,echo=0,link=\(serverPath)", "pty,raw,echo=0,link=\(clientPath)"]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/usr/bin/socat", nil, &attributes, argv, environ)
        guard rc == 0 else { throw PseudoTerminalError(message: "cannot start socat: \(String(cString: strerror(rc)))") }
        pid = child
        for _ in 0..<300 where access(serverPath, F_OK) != 0 || access(clientPath, F_OK) != 0 {
            usleep(10_000)
        }
        guard access(serverPath, F_OK) == 0, access(clientPath, F_OK) == 0 else {
            throw PseudoTerminalError(message: "socat made no pty pair")
        }
    }

    /// Makes a pair on a dispatch thread: socat may take seconds to start on a loaded machine, and
    /// waiting for it on the cooperative pool (two threads here) would stall other tests' pollers.
    static func opened() async throws -> PseudoTerminalPair {
        let result: Result<PseudoTerminalPair, any Error> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { try PseudoTerminalPair() })
            }
        }
        return try result.get()
    }

    /// SIGTERM, then the wait (and a SIGKILL after 3 s) on a dispatch thread, off the cooperative pool.
    deinit {
        let pid = pid
        kill(pid, SIGTERM)
        DispatchQueue.global().async {
            var status: Int32 = 0
            for _ in 0..<300 {
                if waitpid(pid, &status, WNOHANG) == pid { return }
                usleep(10_000)
            }
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
    }
}

struct PseudoTerminalError: Error { var message: String }
