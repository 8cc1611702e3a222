#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where log lines go: stderr for the daemon, a buffer in tests.
public struct LogOutput: Sendable {
    /// Writes one complete line.
    public let write: @Sendable (String) -> Void

    public init(write: @escaping @Sendable (String) -> Void) {
        self.write = write
    }

    /// stderr, one `write(2)` per line so lines from concurrent tasks never interleave (lines are
    /// far below PIPE_BUF and journald reads whole writes).
    public static let standardError = LogOutput { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
