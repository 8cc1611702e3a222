import Foundation
import Testing
@testable import VigieCore

@Suite struct HubSinkConfigurationTests {
    @Test func bothHubSinksLoadWithTheirKeys() throws {
        let configuration = try loaded("""
            gateway: { id: gw, data_dir: /tmp/x }
            upstream:
              - sensorthings:
                  url: https://sta.example/v1.1/
                  username: vigie
                  password_file: /etc/vigie/sta-password
                  result: max
                  phenomenon_time: start
                  batch: 50
              - ngsi_ld:
                  url: https://broker.example
                  tenant: territoire
                  context: https://example.org/context.jsonld
                  token_file: /etc/vigie/ngsi-token
                  mode: current
            """).configuration
        guard case .sensorThings(let sta) = configuration.upstream.first, case .ngsiLD(let ngsi) = configuration.upstream.last else {
            Issue.record("\(configuration.upstream)")
            return
        }
        #expect(sta.url == "https://sta.example/v1.1")
        #expect(sta.username == "vigie" && sta.passwordFile == "/etc/vigie/sta-password" && sta.tokenFile == nil)
        #expect(sta.result == .max && sta.phenomenonTime == .start && sta.batch == 50)
        #expect(ngsi.tenant == "territoire" && ngsi.context == "https://example.org/context.jsonld")
        #expect(ngsi.mode == .current && ngsi.tokenFile == "/etc/vigie/ngsi-token")
        #expect(configuration.upstream.map(\.name) == ["sensorthings:https://sta.example/v1.1", "ngsi_ld:https://broker.example"])
    }

    @Test func theDefaultsAreTheDocumentedOnes() throws {
        let configuration = try loaded("""
            gateway: { id: gw, data_dir: /tmp/x }
            upstream:
              - sensorthings: { url: "http://sta:8080/v1.1" }
              - ngsi_ld: { url: "http://broker:1026" }
            """).configuration
        #expect(configuration.upstream == [
            .sensorThings(SensorThingsSinkConfiguration(url: "http://sta:8080/v1.1")),
            .ngsiLD(NGSILDSinkConfiguration(url: "http://broker:1026")),
        ])
        guard case .ngsiLD(let ngsi) = configuration.upstream.last else { return }
        #expect(ngsi.mode == .temporal && ngsi.context == "https://smartdatamodels.org/context.jsonld")
    }

    @Test(arguments: [
        (#"- sensorthings: { url: "ftp://sta" }"#, 3, 26, "must start with http:// or https://"),
        (#"- ngsi_ld: { url: "http://broker", mode: history }"#, 3, 44, "mode"),
        (#"- ngsi_ld: { url: "http://broker", context: smartdatamodels.org }"#, 3, 47, "JSON-LD context"),
        (#"- sensorthings: { url: "http://sta-server", username: vigie }"#, 3, 19, #"both "username" and "password_file""#),
        (#"- sensorthings: { url: "http://sta-server", send: [aggregate, readings] }"#, 3, 53, "does not send raw readings"),
        (#"- ngsi_ld: { url: "http://broker", send: readings }"#, 3, 44, "an mqtt or http sink does"),
        ("- sensorthings: { url: \"http://sta-server\" }\n    ngsi_ld: { url: \"http://broker\" }", 4, 14,
         #"start another "- ngsi_ld:" item"#),
    ])
    func badHubSinkSettingsAreLocated(item: String, line: Int, column: Int, message: String) {
        expectSingleError("gateway: { id: gw, data_dir: /tmp/x }\nupstream:\n  " + item, line: line, column: column, message)
    }

    @Test func aDeviceEntryOverridesItsProfilesModel() throws {
        let loaded = try loaded("""
            gateway: { id: gw, data_dir: /tmp/x }
            modbus:
              buses:
                - name: b
                  tcp: 127.0.0.1:1502
                  devices:
                    - name: room-{unit}
                      units: 1-2
                      points: [{ name: temp, table: input, address: 0, type: int16, unit: Cel }]
                      ngsi_ld: { type: IndoorEnvironmentObserved, attributes: { temp: temperature } }
            """)
        #expect(loaded.ngsiLDModels == [
            "room-1": NGSILDModel(type: "IndoorEnvironmentObserved", attributes: ["temp": "temperature"]),
            "room-2": NGSILDModel(type: "IndoorEnvironmentObserved", attributes: ["temp": "temperature"]),
        ])
        expectSingleError("""
            gateway: { id: gw, data_dir: /tmp/x }
            modbus:
              buses:
                - name: b
                  tcp: 127.0.0.1:1502
                  devices:
                    - name: room
                      unit: 1
                      points: [{ name: temp, table: input, address: 0, type: int16 }]
                      ngsi_ld: { type: IndoorEnvironmentObserved, attributes: { temp: "air temperature" } }
            """, line: 10, column: 75, "is not an attribute name")
    }

    @Test func everyProfileMapsOnlyItsOwnPointsToItsModel() throws {
        let folder = TestPaths.packageRoot + "/devices"
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".yaml") {
            let profile = try ProfileLoader.load(path: folder + "/" + file)
            let model = try #require(profile.ngsiLD, "\(file) has no ngsi_ld section")
            #expect(["ACMeasurement", "IndoorEnvironmentObserved", "WaterConsumptionObserved"].contains(model.type))
            #expect(Set(model.attributes.keys).isSubset(of: profile.points.map(\.name)))
        }
    }
}

@Suite struct HubSinkEncodingTests {
    @Test func everyUnitOfTheDeviceProfilesHasACommonCode() throws {
        let folder = TestPaths.packageRoot + "/devices"
        var units: Set<String> = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file.hasSuffix(".yaml") {
            for point in try ProfileLoader.load(path: folder + "/" + file).points { if let unit = point.unit { units.insert(unit) } }
        }
        #expect(!units.isEmpty)
        #expect(units.filter { UNCEFACTUnits.code(for: $0) == nil }.sorted() == [])
        // The codes Smart Data Models name for the usual quantities.
        #expect(["kWh": "KWH", "W": "WTT", "Cel": "CEL", "l": "LTR", "%": "P1", "V": "VLT", "A": "AMP", "m3": "MTQ"]
            .allSatisfy { UNCEFACTUnits.code(for: $0.key) == $0.value })
        #expect(UNCEFACTUnits.code(for: "furlong") == nil)
    }

    @Test func basicCredentialsAreBase64() {
        #expect(Base64.encode(Array("vigie:s3cret".utf8)) == "dmlnaWU6czNjcmV0")
        #expect(Base64.encode(Array("a".utf8)) == "YQ==")
        #expect(Base64.encode(Array("ab".utf8)) == "YWI=")
        #expect(Base64.encode([]) == "")
    }

    @Test func aWindowBecomesOneObservationPerPointWithItsStatistics() {
        let observations = SensorThingsObservation.observations(of: UpstreamExamples.pack, result: .mean,
                                                                statistics: [.mean, .min, .max])
        #expect(observations.map { $0.stream.name(gateway: "gw") } == ["gw/tableau-general/active_power/mean",
                                                                         "gw/tableau-general/energy/mean"])
        let power = observations[0]
        #expect(power.phenomenonTime(.interval) == "2024-06-15T10:00:00.000Z/2024-06-15T10:15:00.000Z")
        #expect(power.phenomenonTime(.start) == "2024-06-15T10:00:00.000Z")
        #expect(power.resultTime == 1_718_446_500_000)
        #expect(power.parameters.map(\.name) == ["count", "min", "max"])
        let json = power.json(datastreamID: SensorThingsID(literal: "42"), form: .start)
        #expect(json.contains(#""Datastream":{"@iot.id":42}"#))
        #expect(json.contains(#""phenomenonTimeEnd":"2024-06-15T10:15:00.000Z""#))
    }

    @Test func identifiersKeepTheirJSONType() throws {
        #expect(SensorThingsID(.string("ab'c"))?.literal == "'ab''c'")
        #expect(SensorThingsID(.number(17))?.literal == "17")
        #expect(SensorThingsID(.number(1.5)) == nil)
        #expect(SensorThingsID(.null) == nil)
        var writer = JSONWriter()
        SensorThingsID(literal: "'ab''c'").json(into: &writer)
        #expect(writer.output == #"{"@iot.id":"ab'c"}"#)
    }

    @Test func aModelledDeviceIsOneEntityAndItsOtherPointsAreDeviceMeasurements() {
        let mapper = NGSILDMapper(gateway: "gw", models: ["tableau-general": NGSILDModel(
            type: "ACMeasurement", attributes: ["energy": "totalActiveEnergyImport"])], statistics: [.mean, .max])
        let entities = mapper.entities(of: .aggregate(UpstreamExamples.pack))
        #expect(entities.map(\.id) == ["urn:ngsi-ld:ACMeasurement:gw:tableau-general",
                                       "urn:ngsi-ld:DeviceMeasurement:gw:tableau-general:active_power"])
        #expect(entities[0].attributes.map(\.name) == ["totalActiveEnergyImport", "refDevice"])
        #expect(entities[0].attributes[0].unitCode == "KWH")
        #expect(entities[0].attributes[0].subProperties.map(\.name) == ["count", "max"])
        #expect(entities[1].attributes.map(\.name) == ["numValue", "controlledProperty", "refDevice"])
        #expect(entities.allSatisfy { $0.observedAt == UpstreamExamples.pack.window.end })
    }

    @Test func structuredAttributesGatherTheirMembers() {
        let window = WindowRange(start: 0, end: 60_000)
        let pack = AggregatePack.packs(window: window, readings: ["l1", "l2"].map {
            Reading(sensor: SensorID(device: "m", point: $0), time: 0, value: $0 == "l1" ? 230 : 231)
        }, statistics: [.mean], unit: { _ in "V" })[0]
        let mapper = NGSILDMapper(gateway: "g w", models: ["m": NGSILDModel(
            type: "ACMeasurement", attributes: ["l1": "phaseVoltage.L1", "l2": "phaseVoltage.L2"])], statistics: [.mean])
        let entity = mapper.entities(of: .aggregate(pack))[0]
        #expect(entity.id == "urn:ngsi-ld:ACMeasurement:g_w:m")
        var writer = JSONWriter()
        NGSILDEntity.json([entity], into: &writer)
        #expect(writer.output.contains(#""phaseVoltage":{"type":"Property","value":{"L1":230,"L2":231},"unitCode":"VLT","observedAt":"1970-01-01T00:01:00.000Z"}"#),
                "\(writer.output)")
    }

    @Test func eventsAndHealthBecomeAnomalyAndDevice() {
        let mapper = NGSILDMapper(gateway: "gw", models: [:], statistics: [.mean])
        let anomaly = mapper.entities(of: .anomaly(UpstreamExamples.anomalyOpen))[0]
        #expect(anomaly.type == "Anomaly")
        #expect(anomaly.attributes.map(\.name) == ["anomalousProperty", "dateDetected", "detectedBy", "thresholdBreach",
                                                   "description", "measuredValue"])
        let device = mapper.entities(of: .health(UpstreamExamples.health))[0]
        #expect(device.id == "urn:ngsi-ld:Device:gw" && device.type == "Device")
    }
}
