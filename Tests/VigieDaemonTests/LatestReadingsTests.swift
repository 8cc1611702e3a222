import Testing
import VigieCore
@testable import VigieDaemon

/// What the status page shows of each sensor: its newest committed reading, its newest stored
/// one after a restart, and a retained MQTT value not stored until the sensor reports.
@Suite struct LatestReadingsTests {
    static let now: Int64 = 1_796_000_000_000
    static let cellar = SensorID(device: "cave", point: "temperature")
    static let attic = SensorID(device: "grenier", point: "temperature")

    func status(_ latest: LatestReadings, _ sensor: SensorID) -> SensorStatus? {
        latest.sensors(unit: { _ in nil }).first { $0.id == sensor.description }
    }

    @Test func storedReadingsAreShownAfterARestartUntilNewerOnesCome() {
        let latest = LatestReadings()
        let removedLongAgo = SensorID(device: "ancien", point: "compteur")
        latest.didCommit([Reading(sensor: Self.attic, time: Self.now, value: 31)])
        latest.seed([Reading(sensor: Self.cellar, time: Self.now - 3_600_000, value: 12),
                     Reading(sensor: Self.attic, time: Self.now - 60_000, value: 30),
                     Reading(sensor: removedLongAgo, time: Self.now - LatestReadings.seedWindow - 1, value: 5)], now: Self.now)
        #expect(status(latest, Self.cellar)?.time == Self.now - 3_600_000)
        #expect(status(latest, Self.attic)?.value == 31, "a committed reading is not replaced by an older stored one")
        #expect(status(latest, removedLongAgo) == nil)
        #expect(latest.committed == 1, "seeded readings are not counted as readings in")
    }

    @Test func aRetainedValueIsShownUntilTheSensorsFirstCommittedReading() {
        let latest = LatestReadings()
        latest.didCommit([Reading(sensor: Self.attic, time: Self.now, value: 31)])
        latest.noteRetained([Reading(sensor: Self.cellar, time: Self.now, value: 12.5),
                             Reading(sensor: Self.attic, time: Self.now + 1, value: 99)], dated: false)
        let cellar = status(latest, Self.cellar)
        #expect(cellar?.value == 12.5 && cellar?.retained == true && cellar?.time == nil, "age unknown: \(String(describing: cellar))")
        #expect(status(latest, Self.attic)?.value == 31 && status(latest, Self.attic)?.retained == nil,
                "a sensor with a committed reading keeps it")
        latest.noteRetained([Reading(sensor: Self.cellar, time: Self.now - 5_000, value: 12.0)], dated: true)
        #expect(status(latest, Self.cellar)?.time == Self.now - 5_000, "a dated retained value has its time")
        // Its first committed reading replaces it, even one the device dated earlier.
        latest.didCommit([Reading(sensor: Self.cellar, time: Self.now - 10_000, value: 12.25)])
        let committed = status(latest, Self.cellar)
        #expect(committed?.value == 12.25 && committed?.retained == nil && committed?.time == Self.now - 10_000)
    }
}
