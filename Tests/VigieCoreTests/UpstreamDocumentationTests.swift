import Glibc
import Testing
@testable import VigieCore

/// The examples of docs/upstream.md, produced by the encoders: the test fails when the
/// document and the code disagree, so the document stays true.
enum UpstreamExamples {
    static let gateway = "mairie-annexe-01"

    static var pack: AggregatePack {
        let window = WindowRange(start: 1_718_445_600_000, end: 1_718_446_500_000) // 2024-06-15 10:00–10:15 UTC
        let power = SensorID(device: "tableau-general", point: "active_power")
        let energy = SensorID(device: "tableau-general", point: "energy")
        var readings: [Reading] = []
        for step in 0..<90 { // every 10 s
            let time = window.start + Int64(step) * 10_000
            let watts = 1_800 + Double((step * 37) % 23) * 10
            readings.append(Reading(sensor: power, time: time, value: step == 40 ? 0 : watts,
                                    quality: step == 40 ? .bad(.timeout) : .good))
            readings.append(Reading(sensor: energy, time: time, value: 15_234.5 + Double(step) * 0.005))
        }
        let statistics = WindowAggregator.compute(window: window, readings: readings)
        return AggregatePack.packs(window: window, statistics: statistics) { $0.point == "energy" ? "kWh" : "W" }[0]
    }

    static var anomalyOpen: AnomalyEventMessage {
        AnomalyEventMessage(sensor: SensorID(device: "chaufferie", point: "depart"), phase: .open,
                            start: 1_718_447_120_000, time: 1_718_447_120_000, score: 0.91, peakScore: 0.91,
                            reasons: ["level_shift"], value: 81.5, unit: "Cel", expectedLow: 55, expectedHigh: 68.5,
                            context: ["chaufferie/retour"])
    }

    static var anomalyClose: AnomalyEventMessage {
        AnomalyEventMessage(sensor: SensorID(device: "chaufferie", point: "depart"), phase: .close,
                            start: 1_718_447_120_000, time: 1_718_448_020_000, end: 1_718_448_020_000, score: 0.12,
                            peakScore: 0.97, reasons: ["level_shift", "out_of_range"], value: 63.2, unit: "Cel")
    }

    /// Three readings of one batch, one of them a timeout.
    static var readings: ReadingsPack {
        let power = SensorID(device: "tableau-general", point: "active_power")
        let batch = [Reading(sensor: power, time: 1_718_446_500_000, value: 1_830),
                     Reading(sensor: power, time: 1_718_446_510_000, value: .nan, quality: .bad(.timeout)),
                     Reading(sensor: power, time: 1_718_446_520_000, value: 1_842.5)]
        return ReadingsPack.packs(batch) { _ in "W" }[0]
    }

    static var health: GatewayHealth {
        GatewayHealth(time: 1_718_446_560_000, uptimeSeconds: 86_460, backlog: 1_250, oldestPendingAgeSeconds: 5_400,
                      readingsIn: 1_555_200, errors: 17, evictedReadings: 0, droppedMessages: 0, compactedMessages: 96)
    }

    /// (name, text) pairs as they appear in the document.
    static var all: [(String, String)] {
        [
            ("senml", lineBreakRecords(SenMLPackEncoder().encode(pack, gateway: gateway, sequence: 1042))),
            ("json", PlainJSONPackEncoder().encode(pack, gateway: gateway, sequence: 1042)),
            ("readings senml", lineBreakRecords(readings.payload(format: .senml, gateway: gateway, sequence: 1044))),
            ("readings json", readings.payload(format: .json, gateway: gateway, sequence: 1044)),
            ("anomaly open", anomalyOpen.json(gateway: gateway, sequence: 1043)),
            ("anomaly close", anomalyClose.json(gateway: gateway, sequence: 1051)),
            ("online", GatewayStatusMessage.online(version: "0.1.0", time: 1_718_446_560_000, uptimeSeconds: 86_460,
                                                   backlog: 1_250).json(gateway: gateway)),
            ("offline", GatewayStatusMessage.offline.json(gateway: gateway)),
            ("health", GatewayStatusMessage.health(health).json(gateway: gateway)),
            ("sensorthings observation", SensorThingsObservation.observations(of: pack, result: .mean, statistics: [.mean, .min, .max])[0]
                .json(datastreamID: SensorThingsID(literal: "'01a23b25-8668-7349-8bf5-001cccdaa22e'"), form: .interval)),
            ("ngsi-ld entity", ngsiLDEntity),
        ]
    }

    /// The pack as an `ACMeasurement` instance (temporal mode body).
    static var ngsiLDEntity: String {
        let mapper = NGSILDMapper(gateway: gateway, models: ["tableau-general": NGSILDModel(
            type: "ACMeasurement", attributes: ["active_power": "totalActivePower", "energy": "totalActiveEnergyImport"])],
            statistics: [.mean, .min, .max])
        var writer = JSONWriter()
        NGSILDEntity.json(mapper.entities(of: .aggregate(pack)), into: &writer)
        return writer.output
    }

    /// One SenML record per line, for reading: `[{…},\n {…}]`.
    static func lineBreakRecords(_ pack: String) -> String {
        pack.replacingOccurrences(of: "},{", with: "},\n {")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

@Test func upstreamDocumentationShowsWhatTheEncodersWrite() throws {
    let path = String(#filePath.prefix(upTo: #filePath.firstRange(of: "/Tests/")!.lowerBound)) + "/docs/upstream.md"
    let document = try readText(path)
    for (name, text) in UpstreamExamples.all {
        #expect(document.contains(text), "docs/upstream.md lacks the \(name) example, which is now:\n\(text)")
    }
}

private func readText(_ path: String) throws -> String {
    guard let file = fopen(path, "r") else { throw UpstreamError(code: .badStoredPayload, message: "cannot open \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4_096)
    while true {
        let count = fread(&buffer, 1, buffer.count, file)
        if count <= 0 { break }
        bytes += buffer[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}
