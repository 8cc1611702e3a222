extension Array where Element == AnomalyEventMessage {
    /// The messages with every `update` dropped that a later `update` or `close` of the same
    /// event (sensor and start) follows in the same batch: when a device's fault moves many of
    /// its sensors in one poll, each joins the open incident as context, and the hub receives
    /// one update carrying them all instead of one per sensor. Order is kept.
    public func coalescingUpdates() -> [AnomalyEventMessage] {
        var superseded = Set<Int>()
        var latest: [SensorID: Int64] = [:]
        for (index, message) in enumerated().reversed() {
            let followed = latest[message.sensor] == message.start
            if message.phase == .update, followed { superseded.insert(index) }
            if message.phase == .open {
                latest[message.sensor] = nil
            } else {
                latest[message.sensor] = message.start
            }
        }
        return enumerated().filter { !superseded.contains($0.offset) }.map(\.element)
    }
}
