import Glibc

/// One TCP socket of the HTTP listener or client: the only owner of its descriptor, closed on release.
///
/// Blocking calls: use it from a dedicated thread, never from the cooperative pool.
package final class HTTPSocket: @unchecked Sendable {
    // @unchecked: the descriptor is immutable and used by one task at a time (accept, then one connection).
    package let descriptor: Int32

    /// Takes ownership of `descriptor`.
    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// What `waitReadable` saw.
    package enum Readiness { case readable, timedOut, stopped }

    /// Waits until the socket has something to read (data, end of stream or an error), `deadline`
    /// passes, or `stop` fires.
    package func waitReadable(until deadline: ContinuousClock.Instant, stop: HTTPStopSignal?) -> Readiness {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .timedOut }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
            var entries = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            if let stop { entries.append(pollfd(fd: stop.descriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&entries, nfds_t(entries.count), milliseconds)
            if ready < 0 && errno == EINTR { continue }
            if ready < 0 { return .stopped }
            if entries.count > 1 && entries[1].revents != 0 { return .stopped }
            if entries[0].revents != 0 { return .readable }
        }
    }

    /// Reads what is available (at most `limit` bytes) onto `buffer`: the count, 0 at end of stream, -1 on error.
    package func read(into buffer: inout [UInt8], limit: Int = 4096) -> Int {
        var chunk = [UInt8](repeating: 0, count: limit)
        while true {
            let count = recv(descriptor, &chunk, limit, 0)
            if count < 0 && errno == EINTR { continue }
            if count > 0 { buffer.append(contentsOf: chunk[..<count]) }
            return count
        }
    }

    /// Sends all of `bytes`; false if the peer went away or a send timed out.
    package func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(descriptor, raw.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    /// Closes the sending side, then reads and drops what the client still sends until it closes
    /// (at most 64 KB or 2 s), so unread request bytes do not turn the close into a reset that could
    /// destroy the answer before the client read it.
    package func finish(stop: HTTPStopSignal) {
        guard shutdown(descriptor, Int32(SHUT_WR)) == 0 else { return }
        let deadline = ContinuousClock.now + .seconds(2)
        var dropped: [UInt8] = []
        while dropped.count < 65_536, waitReadable(until: deadline, stop: stop) == .readable {
            guard read(into: &dropped) > 0 else { return }
        }
    }

    /// Drops what already arrived without waiting (before refusing a client unread).
    package func discardPending() {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while recv(descriptor, &chunk, chunk.count, Int32(MSG_DONTWAIT)) > 0 {}
    }

    /// Makes a blocking send or receive give up after `duration` (`SO_SNDTIMEO`, `SO_RCVTIMEO`).
    package func setTimeouts(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        let size = socklen_t(MemoryLayout<timeval>.size)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &value, size)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &value, size)
    }

    /// The text of the current `errno`.
    package static var lastError: String { String(cString: strerror(errno)) }
}
