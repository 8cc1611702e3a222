import VigieCore

/// One unit id served by the simulator: points whose values are functions of time.
public struct SimulatedUnit: Sendable {
    public var id: Int
    public var points: [SimulatedPoint]

    public init(id: Int, points: [SimulatedPoint]) {
        self.id = id
        self.points = points
    }

    /// A unit serving every point of `profile`, each with the value `value(point, seconds)`.
    public init(id: Int, profile: DeviceProfile,
                value: @escaping @Sendable (PointDefinition, Double) -> Double = SimulatedUnit.plausibleValue) {
        self.init(id: id, points: profile.points.map { point in
            SimulatedPoint(point) { seconds in value(point, seconds) }
        })
    }

    /// A slowly varying value inside the point's `min...max` (or around 100): a default for demos.
    public static let plausibleValue: @Sendable (PointDefinition, Double) -> Double = { point, seconds in
        let low = point.min ?? 0
        let high = point.max ?? 200
        let middle = (low + high) / 2
        let swing = (high - low) / 4
        var phase = 0.0
        for byte in point.name.utf8 { phase += Double(byte) }
        return point.table.isBitTable ? (Int(seconds / 60) % 2 == 0 ? 1 : 0)
                                      : middle + swing * _sine(seconds / 300 + phase)
    }
}

/// A point served by the simulator: its layout and its value (after scale and offset) over time.
public struct SimulatedPoint: Sendable {
    public var point: PointDefinition
    /// Seconds since the simulator started → the value a reader should decode.
    public var value: @Sendable (Double) -> Double

    public init(_ point: PointDefinition, value: @escaping @Sendable (Double) -> Double) {
        self.point = point
        self.value = value
    }

    /// A point that always reads `constant`.
    public init(_ point: PointDefinition, constant: Double) {
        self.init(point) { _ in constant }
    }

    /// The words to serve at `seconds`.
    func words(at seconds: Double) -> [UInt16] {
        RegisterEncoder.words(forReading: value(seconds), point: point)
    }
}

/// A fault the simulator injects for one unit.
public enum SimulatorFault: Sendable, Equatable {
    /// Requests are silently dropped: the client times out.
    case noAnswer
    /// Every request gets this Modbus exception code.
    case exception(Int)
    /// The TCP connection is closed on the next request (RTU: no answer).
    case disconnect
}

/// A request the simulator received, for tests that count requests.
public struct SimulatorRequest: Sendable, Equatable, CustomStringConvertible {
    public var unit: Int
    public var function: Int
    /// The range read or written, when the function has one.
    public var request: ReadRequest?

    public var description: String { "unit \(unit) fc\(function) \(request.map(String.init(describing:)) ?? "")" }
}

/// sin without Foundation: a short Taylor series after range reduction, plenty for demo values.
func _sine(_ x: Double) -> Double {
    let twoPi = 6.283185307179586
    var y = x.truncatingRemainder(dividingBy: twoPi)
    if y > twoPi / 2 { y -= twoPi } else if y < -twoPi / 2 { y += twoPi }
    let y2 = y * y
    return y * (1 - y2 / 6 * (1 - y2 / 20 * (1 - y2 / 42 * (1 - y2 / 72))))
}
