import VigieCore

/// Raw readings on their way to the sinks whose `send` lists `readings`: the store writer turns
/// each batch into one `ReadingsPack` per device and sink and appends them to the outbox in the
/// batch's own transaction (`StoreWriter.forwardReadings`), so every committed reading is
/// forwarded exactly once, a late one too, and none that was not committed.
public struct ReadingsForwarding: Sendable {
    /// The sinks that send readings, read at each commit (a reload may change them).
    public var sinks: @Sendable () -> [SinkName]
    /// Each sensor's unit.
    public var unit: @Sendable (SensorID) -> String?
    /// Called after a commit that appended messages: wakes the sinks.
    public var outboxChanged: @Sendable () -> Void

    public init(sinks: @escaping @Sendable () -> [SinkName], unit: @escaping @Sendable (SensorID) -> String?,
                outboxChanged: @escaping @Sendable () -> Void) {
        self.sinks = sinks
        self.unit = unit
        self.outboxChanged = outboxChanged
    }

    /// The outbox messages for a batch of `readings` committed at `created` (none when no sink sends readings).
    func messages(for readings: [Reading], created: Int64) -> [OutboxMessage] {
        let sinks = sinks()
        guard !sinks.isEmpty else { return [] }
        return ReadingsPack.packs(readings, unit: unit).flatMap { pack in
            let stored = Array(UpstreamMessage.readings(pack).storageText.utf8)
            return sinks.map { OutboxMessage(sink: $0, kind: .readings, device: pack.device, storageText: stored,
                                             createdMilliseconds: created) }
        }
    }
}
