import Glibc
import VigieCore

/// A one-shot "stop" that wakes every `poll` of the HTTP listener and its connections at once:
/// the read end of a pipe that becomes readable, and stays so, when `fire()` writes to it.
///
/// Owns both ends of the pipe; they are closed when the signal is released, after every user.
package final class HTTPStopSignal: Sendable {
    /// The descriptor to add to a `poll` set (readable once fired).
    package let descriptor: Int32
    private let writeEnd: Int32

    package init() throws(VigieDaemonError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            throw VigieDaemonError(.http, "Could not create the HTTP listener's stop pipe (errno \(errno)): too many open files?")
        }
        for end in ends {
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            _ = fcntl(end, F_SETFL, O_NONBLOCK)
        }
        descriptor = ends[0]
        writeEnd = ends[1]
    }

    /// Wakes every waiter, now and later. Safe to call more than once, from any thread.
    package func fire() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// Whether `fire()` was called.
    package var isFired: Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 1
    }

    deinit {
        close(descriptor)
        close(writeEnd)
    }
}
