import Testing
import VigieCore
import VigieStore
import VigieTestKit

@Suite struct ExportFormatTests {
    @Test func csvRoundTripsWhatWasWritten() async throws {
        let directory = TemporaryDirectory()
        let sensor = SensorID("meter/voltage")!
        let written = [
            Reading(sensor: sensor, time: 1_795_909_784_123, value: 230.5),
            Reading(sensor: sensor, time: 1_795_909_785_123, value: -0.125, quality: .uncertain),
            Reading(sensor: sensor, time: 1_795_909_786_000, value: 1e-9, quality: .bad(.timeout)),
        ]
        try await withRunningStore(StoreConfiguration(dataDirectory: directory.path)) { store in
            await store.writer.submit(written)
        }
        let lines = try storedReadings(directory.path).map(ExportFormat.csv.line)
        #expect(ExportFormat.csv.header == "sensor,time,value,quality")
        #expect(lines[0] == "meter/voltage,2026-11-28T23:49:44.123Z,230.5,good")
        let parsed = lines.map { line -> Reading in
            let fields = line.split(separator: ",").map(String.init)
            let quality: Quality = fields[3] == "good" ? .good : fields[3] == "uncertain" ? .uncertain : .bad(.timeout)
            return Reading(sensor: SensorID(fields[0])!, time: try! RFC3339.milliseconds(fields[1]), value: Double(fields[2])!, quality: quality)
        }
        #expect(parsed == written)
        #expect(lines[2].hasSuffix(",bad:timeout"))
    }

    @Test func jsonLinesCarryTheSameFieldsAndEscapeNames() {
        let reading = Reading(sensor: SensorID(device: "a\"b", point: "c"), time: 0, value: .nan)
        #expect(ExportFormat.jsonl.line(reading) == #"{"sensor":"a\"b/c","time":"1970-01-01T00:00:00.000Z","value":null,"quality":"good"}"#)
        #expect(ExportFormat.csv.line(reading) == #""a""b/c",1970-01-01T00:00:00.000Z,nan,good"#)
    }
}

@Test func anExportWithLabelsAddsAColumnOrAField() {
    let reading = Reading(sensor: SensorID(device: "chaufferie", point: "etat"), time: 1_795_909_784_123, value: 4)
    #expect(ExportFormat.csv.header(withLabels: true) == "sensor,time,value,quality,label")
    #expect(ExportFormat.csv.line(reading, label: "défaut, B") == "chaufferie/etat,2026-11-28T23:49:44.123Z,4.0,good,\"défaut, B\"")
    #expect(ExportFormat.csv.line(reading, label: nil) == "chaufferie/etat,2026-11-28T23:49:44.123Z,4.0,good,")
    #expect(ExportFormat.jsonl.line(reading, label: "running").hasSuffix(",\"quality\":\"good\",\"label\":\"running\"}"))
    #expect(ExportFormat.jsonl.line(reading, label: nil) == ExportFormat.jsonl.line(reading))
}
