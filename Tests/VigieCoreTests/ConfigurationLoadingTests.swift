import Foundation
import Testing
@testable import VigieCore

@Test func theExampleConfigurationLoadsCleanly() throws {
    let path = TestPaths.packageRoot + "/config/example.yaml"
    let loaded = try ConfigurationLoader.load(path: path)
    let configuration = loaded.configuration
    #expect(configuration.gateway.id == "mairie-annexe-01")
    #expect(configuration.modbus.buses.map(\.name) == ["rs485-1", "automate"])
    #expect(configuration.modbus.buses.first?.transport == .rtu(SerialLine(port: "/dev/ttyUSB0")))
    let fleet = configuration.modbus.buses.first?.devices.last
    #expect(fleet?.units == [2, 3, 4])
    #expect(fleet?.name(forUnit: 3) == "compteur-3")
    #expect(loaded.profiles.keys.sorted() == ["eastron-sdm630"])
    #expect(configuration.mqtt?.subscriptions.count == 4)
    #expect(configuration.upstream.count == 4)
    #expect(configuration.anomaly.overrides.count == 5)
    #expect(configuration.anomaly.maxSilence(for: SensorID(device: "salle-101", point: "temperature")) == 7_200_000)
    #expect(configuration.anomaly.maxSilence(for: SensorID(device: "salle-101", point: "humidity")) == nil)
    // A Zigbee room's radio diagnostics are left out of detection, so that its temperature and
    // humidity are a device of two for the device incidents (docs/anomaly.md).
    #expect(configuration.anomaly.settings(for: SensorID(device: "salle-101", point: "linkquality")) == nil)
    #expect(configuration.anomaly.settings(for: SensorID(device: "salle-101", point: "temperature")) != nil)
}

@Test func everyProfileInDevicesLoadsCleanly() throws {
    let folder = TestPaths.packageRoot + "/devices"
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
    #expect(!files.isEmpty)
    for file in files {
        let profile = try ProfileLoader.load(path: folder + "/" + file)
        #expect(profile.id + ".yaml" == file)
        #expect(!profile.points.isEmpty)
        #expect(!profile.source.isEmpty)
    }
    let sdm630 = try ProfileLoader.load(id: "eastron-sdm630", searchDirectories: ["/nowhere", folder])
    #expect(sdm630.points.allSatisfy { $0.table == .input && $0.type == .float32 && $0.order == .abcd })
}

@Test func profilesMergeWithInlinePointsByName() throws {
    let loaded = try ConfigurationLoader.load(path: TestPaths.fixtures + "/profiles/../uses-good-profile.yaml")
    let device = try #require(loaded.configuration.modbus.buses.first?.devices.first)
    let points = loaded.points(of: device)
    #expect(points.map(\.name) == ["power", "label", "extra"])
    #expect(points.first?.scale == 1) // the inline `power` replaced the profile's
    #expect(points[1].type == .string(registers: 4))
}

@Test func unitListsAcceptRangesListsAndCommas() throws {
    func units(_ text: String) throws -> [Int] {
        let yaml = "modbus:\n  buses:\n    - name: b\n      tcp: 10.0.0.1\n      devices:\n"
            + "        - name: m-{unit}\n          units: \(text)\n          points: []\n"
        return try loaded(yaml).configuration.modbus.buses.first?.devices.first?.units ?? []
    }
    #expect(try units("1-20") == Array(1...20))
    #expect(try units("[1, 2, 5]") == [1, 2, 5])
    #expect(try units("1,3,7-9") == [1, 3, 7, 8, 9])
    #expect(try units("7") == [7])
    #expect(diagnostics(of: "modbus:\n  buses:\n    - name: b\n      tcp: 10.0.0.1\n      devices:\n"
                        + "        - name: m-{unit}\n          units: 1,1\n          points: []\n")
                .first?.message == "unit id 1 appears twice in \"units\"")
}

@Test func httpOffMeansNoListenerQuotedOrNot() throws {
    #expect(try loaded("gateway:\n  http: off\n").configuration.gateway.http == nil)
    #expect(try loaded("gateway:\n  http: \"off\"\n").configuration.gateway.http == nil)
    #expect(try loaded("gateway:\n  http: \"[::1]:9200\"\n").configuration.gateway.http == Endpoint(host: "::1", port: 9200))
}

@Test func windowTakesOneDurationOrAList() throws {
    #expect(try loaded("aggregate:\n  window: 5m\n").configuration.aggregate.windows == [.seconds(300)])
    #expect(try loaded("aggregate:\n  window: [1m, 15m]\n").configuration.aggregate.windows == [.seconds(60), .seconds(900)])
}

@Test func relativePathsAreTakenFromTheConfigurationFolder() throws {
    let configuration = try loaded("profiles_dir: profiles\ngateway: { data_dir: data }\n", path: "/etc/vigie/vigie.yaml")
        .configuration
    #expect(configuration.profilesDirectories == ["/etc/vigie/profiles"])
    #expect(configuration.gateway.dataDirectory == "/etc/vigie/data")
    #expect(try loaded("", path: "/etc/vigie/vigie.yaml").configuration.profilesDirectories
            == ["/etc/vigie/devices", "/etc/vigie/../devices", "/usr/share/vigie/devices"])
}

@Test func upstreamItemsAreMQTTOrHTTPSinks() throws {
    let yaml = """
    upstream:
      - mqtt: { broker: hub.example, tls: { ca: ca.pem }, send: readings }
      - http: { url: "https://hub.example/ingest", batch: 10 }
    """
    let upstream = try loaded(yaml, path: "/etc/vigie/vigie.yaml").configuration.upstream
    guard case .mqtt(let mqtt) = upstream.first, case .http(let http) = upstream.last else {
        Issue.record("\(upstream)")
        return
    }
    #expect(mqtt.broker == Endpoint(host: "hub.example", port: 8883))
    #expect(mqtt.tls?.ca == "/etc/vigie/ca.pem")
    #expect(mqtt.send == [.readings])
    #expect(http.batch == 10)
    #expect(diagnostics(of: "upstream:\n  - mqtt: { broker: a }\n    http: { url: \"https://b\" }\n")
                .map { [$0.line, $0.column] } == [[3, 11]])
}

@Test func commitIntervalIsReadAndFollowsALongerBatchInterval() throws {
    #expect(try loaded("buffer:\n  commit_interval: 2m\n").configuration.buffer.commitInterval == .seconds(120))
    #expect(try loaded("buffer:\n  commit_interval: 500ms\n").configuration.buffer.commitInterval == .milliseconds(500))
    #expect(try loaded("buffer: {}\n").configuration.buffer.commitInterval == BufferConfiguration.defaultCommitInterval)
    // Not given: never shorter than the batch interval, so readings that may wait never commit sooner.
    #expect(try loaded("buffer:\n  batch_interval: 1m\n").configuration.buffer.commitInterval == .seconds(60))
}

@Test func maxTimeAheadTakesADurationOrOffAndDefaultsToTenMinutes() throws {
    func limit(_ line: String) throws -> Duration? {
        try loaded("mqtt:\n  subscriptions:\n    - { topic: a/+, format: json\(line) }\n")
            .configuration.mqtt?.subscriptions.first?.maxTimeAhead
    }
    #expect(try limit("") == .seconds(600))
    #expect(try limit(", max_time_ahead: 30s") == .seconds(30))
    #expect(try limit(", max_time_ahead: off") == nil)
    #expect(try limit(", max_time_ahead: \"none\"") == nil)
}

@Test func maxSilenceTakesADurationOrOffAndIsOffByDefault() throws {
    let anomaly = { (yaml: String) throws -> AnomalyConfiguration in try loaded(yaml).configuration.anomaly }
    #expect(try anomaly("anomaly: {}\n").maxSilence == nil)
    #expect(try anomaly("anomaly:\n  max_silence: 2h\n").maxSilence == .seconds(7_200))
    #expect(try anomaly("anomaly:\n  max_silence: off\n").maxSilence == nil)
    let overrides = try anomaly("anomaly:\n  overrides:\n    - { sensor: a/*, max_silence: 30m }\n    - { sensor: b/*, max_silence: off }\n").overrides
    #expect(overrides.map(\.maxSilence) == [.seconds(1_800), .zero])
}

@Test func retainedTakesNewSkipOrKeepAndDefaultsToNew() throws {
    func policy(_ line: String) throws -> RetainedDelivery? {
        try loaded("mqtt:\n  subscriptions:\n    - { topic: a/+, format: json\(line) }\n")
            .configuration.mqtt?.subscriptions.first?.retained
    }
    #expect(try policy("") == .new)
    #expect(try policy(", retained: skip") == .skip)
    #expect(try policy(", retained: keep") == .keep)
    #expect(try policy(", retained: New") == .new)
}
