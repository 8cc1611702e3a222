import VigieStore

extension Gateway {
    /// Commands the status page lists.
    static let statusPageCommands = 5

    /// The newest commands from the journal, for the status page (none when control is off).
    func recentCommands() async -> [CommandStatus] {
        guard let commands, let records = try? await commands.journal.recent(limit: Self.statusPageCommands) else { return [] }
        return records.map { record in
            let target = [record.device, record.point].compactMap { $0 }.joined(separator: "/")
            let summary = "\(record.action) \(target)" + (record.value.map { " = \($0)" } ?? "")
            let status = record.status.rawValue + (record.reason.map { " \($0)" } ?? "")
            return CommandStatus(id: record.id, received: record.receivedMillis, origin: record.origin, summary: summary,
                                 status: status, detail: record.detail)
        }
    }
}
