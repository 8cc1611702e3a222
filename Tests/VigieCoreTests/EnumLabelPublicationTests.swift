import Testing
@testable import VigieCore

/// An enum point's label travels beside its number: in the stored pack, as a SenML `vs` record
/// and as a JSON string; the number stays what is stored and aggregated.
struct EnumLabelPublicationTests {
    let window = WindowRange(start: 1_700_000_000_000, end: 1_700_000_900_000)
    let state = SensorID(device: "chaufferie", point: "etat")

    func statePack() -> AggregatePack? {
        let readings = [Reading(sensor: state, time: window.start + 1_000, value: 1),
                        Reading(sensor: state, time: window.start + 2_000, value: 4)]
        return AggregatePack.packs(window: window, readings: readings, statistics: [.count, .last], unit: { _ in nil },
                                   labels: { $0 == state ? [1: "chauffe", 4: "défaut \"B\""] : [:] }).first
    }

    @Test func theLastValuesLabelIsPublishedAsAString() throws {
        let pack = try #require(statePack())
        #expect(pack.points.first?.label == "défaut \"B\"")
        let senml = SenMLPackEncoder(statistics: [.last]).encode(pack, gateway: "g", sequence: 1)
        #expect(senml.contains(#"{"n":"etat:last","v":4}"#), "\(senml)")
        #expect(senml.contains(#"{"n":"etat:label","vs":"défaut \"B\""}"#), "\(senml)")
        let json = PlainJSONPackEncoder(statistics: [.last]).encode(pack, gateway: "g", sequence: 1)
        #expect(json.contains(#""last":4,"bad":0,"label":"défaut \"B\"""#), "\(json)")
    }

    @Test func theLabelSurvivesTheOutboxAndAPackWithoutOneStillReads() throws {
        let pack = try #require(statePack())
        let stored = try AggregatePack(storageText: pack.storageText)
        #expect(stored == pack)
        var plain = pack
        plain.points[0].label = nil
        #expect(try AggregatePack(storageText: plain.storageText) == plain)
    }

    @Test func aValueWithoutALabelHasNone() throws {
        let readings = [Reading(sensor: state, time: window.start + 1_000, value: 2.5)]
        let pack = AggregatePack.packs(window: window, readings: readings, statistics: [.last], unit: { _ in nil },
                                       labels: { _ in [2: "deux"] }).first
        #expect(pack?.points.first?.label == nil)
    }
}
