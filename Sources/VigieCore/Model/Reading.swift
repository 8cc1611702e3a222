/// One measurement of one sensor at one instant.
public struct Reading: Hashable, Sendable {
    public var sensor: SensorID
    /// Milliseconds since the Unix epoch, UTC.
    public var time: Int64
    public var value: Double
    public var quality: Quality

    public init(sensor: SensorID, time: Int64, value: Double, quality: Quality = .good) {
        self.sensor = sensor
        self.time = time
        self.value = value
        self.quality = quality
    }
}
