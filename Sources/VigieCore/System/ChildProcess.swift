import Glibc

/// A helper program this process started and must stop (the demo's mosquitto and socat, the
/// tests' peers): stopped by `stop()` or when released.
///
/// Started by `spawnWithCleanSignals`, so that SIGTERM reaches it. `open`: the demo's `DemoProcess`
/// and VigieTestKit's `TestProcess` subclass it with how they report a failed start and log.
/// `@unchecked Sendable`: `exited` is touched only by the owner's task (start, stop, isRunning).
open class ChildProcess: @unchecked Sendable {
    package let pid: pid_t
    /// How long `stop()` waits after SIGTERM before SIGKILL.
    private let stopGrace: Duration
    private var exited = false

    package init(pid: pid_t, stopGrace: Duration) {
        self.pid = pid
        self.stopGrace = stopGrace
    }

    /// Whether the process has not exited yet (reaps it when it has).
    package var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// SIGTERM, then SIGKILL if still alive after the stop grace; waits for the exit.
    package func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<(stopGrace.milliseconds / 10) where isRunning { usleep(10_000) }
        kill9()
    }

    /// SIGTERM, then waits (at most `seconds`) for the exit; returns the exit status, or nil when
    /// the process did not exit by itself in time (it is then killed) or died of a signal.
    package func terminate(within seconds: Double) -> Int32? {
        guard !exited else { return nil }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        for _ in 0..<Int(seconds * 100) {
            if waitpid(pid, &status, WNOHANG) == pid {
                exited = true
                let signalled = (status & 0x7f) != 0
                return signalled ? nil : (status >> 8) & 0xff
            }
            usleep(10_000)
        }
        kill9()
        return nil
    }

    /// SIGKILL: a peer that dies without a goodbye; waits for the exit.
    package func kill9() {
        guard isRunning else { return }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
    }

    /// Sends `signal` (SIGSTOP freezes a peer with its connections open).
    package func send(_ signal: Int32) { kill(pid, signal) }

    deinit { stop() }
}
