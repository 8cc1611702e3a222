import VigieCore
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Sets up logging for the `vigie` executable (libraries only take a `Logger`).
public enum VigieLogging {
    /// Bootstraps swift-log with `VigieLogHandler` on stderr, in journal style when stderr is the journal.
    /// Call once, first thing in `vigie run`; keep the returned control to change the level on reload.
    @discardableResult
    public static func bootstrap(level: Logger.Level, environment: [String: String]) -> LogLevelControl {
        let control = LogLevelControl(level)
        let style: VigieLogHandler.Style = stderrIsJournal(environment: environment) ? .journal : .plain
        LoggingSystem.bootstrap { label in
            VigieLogHandler(label: label, style: style, levelControl: control)
        }
        return control
    }

    /// Parses `--log-level` / `log_level:`: trace, debug, info, notice, warning (or warn), error, critical.
    public static func parseLevel(_ text: String) throws(VigieDaemonError) -> Logger.Level {
        let word = text.lowercased()
        if word == "warn" { return .warning }
        guard let level = Logger.Level(rawValue: word) else {
            let names = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw VigieDaemonError(.usage, "Unknown log level '\(text)': use one of \(names).")
        }
        return level
    }

    /// True when `$JOURNAL_STREAM` (`device:inode`, set by systemd) names the file stderr is open on:
    /// stderr goes to journald, which wants `<N>` priority prefixes and adds its own timestamps.
    public static func stderrIsJournal(environment: [String: String], descriptor: Int32 = STDERR_FILENO) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }
}
