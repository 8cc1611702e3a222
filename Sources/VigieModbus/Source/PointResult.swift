import VigieCore

/// The outcome of reading one point once: its raw words, value and quality, and the error if it failed.
public struct PointResult: Sendable {
    public var point: PointDefinition
    /// The words (or 0/1 bits) read; empty when the read failed.
    public var raw: [UInt16]
    /// The decoded value; NaN when the quality is bad.
    public var value: Double
    public var quality: Quality
    /// Why the read failed, when it did.
    public var error: ModbusError?

    public init(point: PointDefinition, raw: [UInt16], value: Double, quality: Quality, error: ModbusError? = nil) {
        self.point = point
        self.raw = raw
        self.value = value
        self.quality = quality
        self.error = error
    }

    /// A point whose read failed with `error`.
    public static func failed(_ point: PointDefinition, _ error: ModbusError) -> PointResult {
        PointResult(point: point, raw: [], value: .nan, quality: .bad(error.badReason), error: error)
    }
}
