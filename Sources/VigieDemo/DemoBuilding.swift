import Glibc
import VigieCore
import VigieModbus
import VigieDaemon

/// The simulated public building: its Modbus devices, their values as functions of simulated
/// time (a working day's load, counters that count, noise), and the scenario's incidents
/// written into those values (stuck, spike, level shift).
public struct DemoBuilding: Sendable {
    /// The main energy meter (Eastron SDM630), unit 1.
    public static let mainMeter = "compteur-general"
    /// The canteen's sub-meter (Eastron SDM120), unit 2.
    public static let subMeter = "sous-compteur-cantine"
    /// The heating network's heat meter (Itron CF Echo II), unit 3; on the RTU line when socat is there.
    public static let heatMeter = "compteur-chaleur"
    /// The hall's CO2 and temperature sensor (Senseair S8 and a temperature point), unit 4.
    public static let airSensor = "qualite-air-hall"
    /// The Zigbee2MQTT room sensors published into the local broker.
    public static let rooms = ["salle-101", "salle-102", "bureau-direction"]

    public var scenario: DemoScenario
    /// Simulated seconds per real second.
    public var speed: Double
    /// The wall-clock time (seconds since the epoch) the simulation starts at: readings carry real times.
    public var startEpochSeconds: Double
    /// The simulated time of day (seconds after midnight) at the start: it sets the building's rhythm.
    public var startSecondsOfDay: Double

    /// `vigie demo` starts its school day at 08:00 whatever the hour it is run, so that a run
    /// plays the same day (the morning ramp, then incidents at 08:20-08:54, 09:20-09:54, ...).
    /// Run in the late afternoon, the same scenario fell on the evening drop of the building's load.
    public static let schoolDayStart: Double = 8 * 3_600

    /// `startSecondsOfDay` nil: the time of day of `startEpochSeconds`.
    public init(scenario: DemoScenario, speed: Double, startEpochSeconds: Double, startSecondsOfDay: Double? = nil) {
        self.scenario = scenario
        self.speed = speed
        self.startEpochSeconds = startEpochSeconds
        self.startSecondsOfDay = startSecondsOfDay ?? startEpochSeconds.truncatingRemainder(dividingBy: 86_400)
    }

    /// The simulated time of day (seconds after midnight, 0..<86,400) `seconds` after the start.
    package func secondsOfDay(at seconds: Double) -> Double {
        let day = (startSecondsOfDay + seconds).truncatingRemainder(dividingBy: 86_400)
        return day < 0 ? day + 86_400 : day
    }

    /// A simulated unit serving `points` for `device`, its values driven by simulated time
    /// (the simulator's real seconds since start × `speed`).
    public func unit(device: String, id: Int, points: [PointDefinition]) -> SimulatedUnit {
        let building = self
        return SimulatedUnit(id: id, points: points.map { point in
            SimulatedPoint(point) { realSeconds in
                building.value(device: device, point: point, simulatedSeconds: realSeconds * building.speed)
            }
        })
    }

    /// The value `point` of `device` reads `simulatedSeconds` after the start, incidents included.
    public func value(device: String, point: PointDefinition, simulatedSeconds: Double) -> Double {
        let active = scenario.active(at: simulatedSeconds)
        if device == Self.airSensor, active.contains(.stuckSensor) {
            return normal(device: device, point: point, at: scenario.stuckSince(simulatedSeconds))
        }
        var value = normal(device: device, point: point, at: simulatedSeconds)
        if Self.isPower(point) {
            if device == Self.subMeter, point.name == "active_power", active.contains(.spike) { value = value * 6 + 12_000 }
            if device == Self.mainMeter, active.contains(.levelShift) { value *= 1.6 }
        }
        return value
    }

    /// The value without incidents: a school day's rhythm plus a little noise.
    package func normal(device: String, point: PointDefinition, at seconds: Double) -> Double {
        let occupancy = occupancy(at: seconds)
        let jitter = noise(point.name, device, seconds)
        let size = device == Self.mainMeter ? 1.0 : 0.2
        let name = point.name
        switch point.unit ?? "" {
        case "kWh", "kvarh", "m3":
            // Counters: grow with the hours, never go back.
            let rate = name.contains("export") ? 0.0 : (device == Self.heatMeter ? 25 : 12 * size)
            return 1000 * size + seconds / 3600 * rate
        case "V": return (name.contains("_l1_") || name.contains("_ll") || name.contains("_l2_")
                          || name.contains("_l3_") ? 400 : 231) + 2 * jitter
        case "Hz": return 50 + 0.02 * jitter
        case "/": return 0.9 + 0.04 * occupancy + 0.01 * jitter
        case "W", "VA", "var": return (2000 + 14000 * occupancy) * size * (1 + 0.03 * jitter) * (name.contains("reactive") ? 0.3 : 1)
        case "A": return (3 + 20 * occupancy) * size * (1 + 0.03 * jitter)
        case "kW": return 20 + 40 * (1 - occupancy) + jitter
        case "m3/h": return 1.5 + 0.8 * (1 - occupancy) + 0.05 * jitter
        case "K": return 18 + 2 * jitter
        case "ppm": return 450 + 650 * occupancy + 15 * jitter
        case "Cel":
            if name.contains("supply") { return 70 + jitter }
            if name.contains("return") { return 52 + jitter }
            return 19.5 + 2 * occupancy + 0.2 * jitter
        default:
            return point.table.isBitTable || point.name.contains("status") ? 0
                : SimulatedUnit.plausibleValue(point, seconds)
        }
    }

    /// 0 at night, rising to 1 during the school day (about 8:00–17:00 simulated local time).
    package func occupancy(at seconds: Double) -> Double {
        let hour = secondsOfDay(at: seconds) / 3600
        let day = sin((hour - 7) / 11 * Double.pi)
        return hour > 7 && hour < 18 ? max(0, day) : 0
    }

    /// Repeatable noise in [-1, 1] for one point, changing every few simulated seconds.
    package func noise(_ name: String, _ device: String, _ seconds: Double) -> Double {
        var hash: UInt64 = 1_469_598_103_934_665_603
        for byte in (name + device).utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        // Negative times too (the history before the start): one noise value per tenth of a real second.
        hash ^= UInt64(bitPattern: Int64((seconds * 10 / max(speed, 1)).rounded(.down)))
        hash = (hash ^ (hash >> 33)) &* 0xff51_afd7_ed55_8ccd
        hash = (hash ^ (hash >> 33)) &* 0xc4ce_b9fe_1a85_ec53
        hash ^= hash >> 33
        return Double(hash % 2_000_001) / 1_000_000 - 1
    }

    package static func isPower(_ point: PointDefinition) -> Bool {
        ["W", "VA", "var", "A"].contains(point.unit ?? "")
    }
}
