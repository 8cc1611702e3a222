import Logging

extension Logger {
    /// This logger with one more metadata entry on every line (`sink.name`, `control.topic`): how
    /// sinks and the command channel mark their lines.
    package func tagged(_ key: String, _ value: some CustomStringConvertible) -> Logger {
        var logger = self
        logger[metadataKey: key] = "\(value)"
        return logger
    }
}
