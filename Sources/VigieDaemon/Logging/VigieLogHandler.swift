import Logging

/// The daemon's swift-log backend: one line per event on stderr.
///
/// - Under systemd (stderr is the journal): `<6>modbus: Device answers again device=meter`, the
///   `<N>` prefix being the syslog priority journald stores (the journal adds time and unit).
/// - Otherwise: `2026-03-01T08:00:00.123Z info modbus: Device answers again device=meter`.
///
/// Metadata whose key names a secret (`password`, `token`, `secret`, `key`, ...) is printed as
/// `<redacted>`, whatever the component logging it; see `LogRedaction`.
public struct VigieLogHandler: LogHandler {
    /// How a line is laid out.
    public enum Style: Sendable {
        /// For the journal: priority prefix, no timestamp.
        case journal
        /// For a terminal or a file: timestamp and level name.
        case plain
    }

    private let label: String
    private let style: Style
    private let output: LogOutput
    private let levelControl: LogLevelControl
    private var levelOverride: Logger.Level?
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// - Parameter levelControl: the daemon-wide level (from `--log-level` or the config, changed on reload).
    public init(label: String, style: Style, levelControl: LogLevelControl, output: LogOutput = .standardError,
                metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.style = style
        self.output = output
        self.levelControl = levelControl
        self.metadataProvider = metadataProvider
    }

    /// The daemon-wide level, unless this logger was given its own.
    public var logLevel: Logger.Level {
        get { levelOverride ?? levelControl.level }
        set { levelOverride = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        output.write(format(level: event.level, message: "\(event.message)", metadata: merged))
    }

    /// One line, with its newline.
    func format(level: Logger.Level, message: String, metadata: Logger.Metadata,
                timestamp: String = LogTimestamp.now()) -> String {
        var line: String
        switch style {
        case .journal: line = "<\(Self.priority(level))>\(label): "
        case .plain: line = "\(timestamp) \(level) \(label): "
        }
        line += LogRedaction.singleLine(message)
        for key in metadata.keys.sorted() {
            guard let value = metadata[key] else { continue }
            line += " \(key)=\(LogRedaction.render(key: key, value: value))"
        }
        line += "\n"
        return line
    }

    /// The syslog priority journald understands: 3 error ... 7 debug.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
