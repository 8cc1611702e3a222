/// The text form of a health report kept in the outbox: `vigie-health 1` then one
/// `key value` line per counter (absent oldest age left out).
extension GatewayHealth {
    static let storageHeader = "vigie-health 1"

    private var storedFields: [(String, Int64?)] {
        [("time", time), ("uptime", uptimeSeconds), ("backlog", backlog), ("oldest", oldestPendingAgeSeconds),
         ("readings_in", readingsIn), ("errors", errors), ("evicted_readings", evictedReadings),
         ("dropped_messages", droppedMessages), ("compacted_messages", compactedMessages)]
    }

    /// The form to store in the outbox.
    public var storageText: String {
        ([Self.storageHeader] + storedFields.compactMap { key, value in value.map { "\(key) \($0)" } })
            .joined(separator: "\n")
    }

    /// Reads back `storageText`; throws `UpstreamError` (`badStoredPayload`, with the line) otherwise.
    public init(storageText: String) throws {
        let (lines, lineCount) = try StorageField.body(of: storageText, header: Self.storageHeader, what: "a stored health report")
        var values: [String: Int64] = [:]
        for (line, number) in lines {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Int64(parts[1]) else {
                throw StorageField.failure("expected \"key integer\"", line: number)
            }
            values[String(parts[0])] = value
        }
        for key in ["time", "uptime", "backlog", "readings_in", "errors"] where values[key] == nil {
            throw StorageField.failure("missing \(key)", line: lineCount)
        }
        self.init(time: values["time"] ?? 0, uptimeSeconds: values["uptime"] ?? 0, backlog: values["backlog"] ?? 0,
                  oldestPendingAgeSeconds: values["oldest"], readingsIn: values["readings_in"] ?? 0,
                  errors: values["errors"] ?? 0, evictedReadings: values["evicted_readings"] ?? 0,
                  droppedMessages: values["dropped_messages"] ?? 0, compactedMessages: values["compacted_messages"] ?? 0)
    }
}
