import VigieCore

/// One known sensor, as the `sensors` table describes it.
public struct SensorInfo: Sendable, Equatable {
    /// Its name.
    public var sensor: SensorID
    /// Its SenML unit, when known.
    public var unit: String?
    /// Where its readings come from, e.g. `modbus:rs485-1`.
    public var source: String?

    /// A sensor's description.
    public init(sensor: SensorID, unit: String? = nil, source: String? = nil) {
        self.sensor = sensor
        self.unit = unit
        self.source = source
    }
}
