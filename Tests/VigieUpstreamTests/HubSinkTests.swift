import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import VigieCore
import VigieStore
@testable import VigieUpstream
import VigieTestKit

/// Windows of one hour for the hub sinks: device `meter`, points `power` (W) and `temperature`
/// (Cel), 5 s windows from 2026-01-01T00:00:00Z, five readings each, statistics as the daemon computes them.
enum HubWindows {
    static let start: Int64 = 1_767_225_600_000
    static let statistics: [Statistic] = [.mean, .min, .max, .last]

    static func packs(_ count: Int, device: String = "meter") -> [AggregatePack] {
        (0..<count).map { index in
            let window = WindowRange(start: start + Int64(index) * 5_000, end: start + Int64(index + 1) * 5_000)
            let readings = (0..<5).flatMap { step in
                let time = window.start + Int64(step) * 1_000
                return [Reading(sensor: SensorID(device: device, point: "power"), time: time, value: Double(1_000 + index * 10 + step)),
                        Reading(sensor: SensorID(device: device, point: "temperature"), time: time,
                                value: 20 + Double((index + step) % 7) / 10)]
            }
            return AggregatePack.packs(window: window, readings: readings, statistics: statistics,
                                       unit: { $0.point == "power" ? "W" : "Cel" })[0]
        }
    }

    @discardableResult
    static func append(_ messages: [UpstreamMessage], to outbox: TestOutbox) async throws -> [Int64] {
        try await outbox.store.outbox.append(messages.map { message in
            OutboxMessage(sink: outbox.sink, kind: message.kind, device: "", storageText: Array(message.storageText.utf8),
                          createdMilliseconds: start)
        })
    }
}

/// Stands for a crash: the first `rounds` rounds go to the hub for real, then the next round is
/// delivered too but its result thrown away, as when vigie is SIGKILLed after the hub stored a batch
/// and before the outbox forgot it; the sink then stops as a dead process would.
final class CrashingExchange: HubExchange {
    private let real: any HubExchange
    private let rounds: Int
    private let count = Mutex(0)
    let crashed = Mutex(false)

    init(_ real: any HubExchange, crashAfter rounds: Int) {
        self.real = real
        self.rounds = rounds
    }

    func deliver(_ messages: [HubMessage]) async -> HubRound {
        // A dead process sends nothing more.
        if crashed.withLock({ $0 }) { return HubRound(failure: .transport("the process is dead")) }
        let round = await real.deliver(messages)
        let number = count.withLock { count in
            count += 1
            return count
        }
        guard number > rounds, round.failure == nil else { return round }
        crashed.withLock { $0 = true }
        return HubRound(failure: .transport("simulated crash after the hub stored the round"))
    }
}

@Suite(.serialized) struct SensorThingsSinkTests {
    let directory: TemporaryDirectory

    init() { directory = TemporaryDirectory() }

    private func configuration(_ server: SensorThingsServer, batch: Int) -> SensorThingsSinkConfiguration {
        // django-ogc-sensorthings 1.2.0 stores instants only: an interval phenomenonTime gets a 500.
        SensorThingsSinkConfiguration(url: server.url, result: .mean, phenomenonTime: .start, batch: batch, timeout: .seconds(10))
    }

    private func exchange(_ server: SensorThingsServer, _ outbox: TestOutbox, batch: Int) -> SensorThingsExchange {
        SensorThingsExchange(configuration: configuration(server, batch: batch), gateway: "gw", statistics: HubWindows.statistics,
                             connection: HubConnection(label: outbox.sink.description, headers: ["Accept: application/json"], tls: nil,
                                                       timeout: .seconds(10)),
                             identifiers: StoreHubIdentifiers(sink: outbox.sink, outbox: outbox.store.outbox), logger: .test)
    }

    private func sink(_ outbox: TestOutbox, batch: Int, open: @escaping @Sendable () -> any HubExchange) -> HubSink {
        HubSink(name: outbox.sink, open: open, outbox: outbox.view, signal: OutboxSignal(), batch: batch,
                backoff: Backoff.Configuration(initial: .milliseconds(50), maximum: .milliseconds(300)), logger: .test)
    }

    /// `phenomenonTime` (an instant: the window's start) as ms.
    private func starts(_ observations: [[String: Any]]) -> [Int64] {
        observations.compactMap { ($0["phenomenonTime"] as? String).flatMap { try? RFC3339.milliseconds($0) } }
    }

    @Test func anHourOfWindowsArrivesAsOneObservationPerWindowWithItsStatistics() async throws {
        let server = try SensorThingsServer(directory: directory)
        defer { server.stop() }
        let outbox = try await TestOutbox.open(sink: "sensorthings:test", directory: directory)
        let packs = HubWindows.packs(720)
        try await HubWindows.append(packs.map(UpstreamMessage.aggregate), to: outbox)
        let hub = sink(outbox, batch: 100) { self.exchange(server, outbox, batch: 100) }

        let drained = try await run([hub], seconds: 120) { try await outbox.waitingCount() == 0 }

        #expect(drained, "\(hub.status)")
        let stored = try server.observations()
        #expect(Set(stored.keys) == ["gw/meter/power/mean", "gw/meter/temperature/mean"])
        for point in ["power", "temperature"] {
            let observations = stored["gw/meter/\(point)/mean"] ?? []
            #expect(observations.count == 720)
            #expect(starts(observations).sorted() == packs.map(\.window.start))
            let expected = Dictionary(uniqueKeysWithValues: packs.map { pack in
                (pack.window.start, pack.points.first { $0.name == point }!.statistics)
            })
            var mismatches = 0
            for observation in observations {
                guard let start = starts([observation]).first, let statistics = expected[start],
                      let result = observation["result"] as? Double, let parameters = observation["parameters"] as? [String: Any]
                else { mismatches += 1; continue }
                let end = (parameters["phenomenonTimeEnd"] as? String).flatMap { try? RFC3339.milliseconds($0) }
                if abs(result - (statistics.mean ?? .nan)) > 1e-9 || end != start + 5_000
                    || (parameters["min"] as? Double) != statistics.min || (parameters["max"] as? Double) != statistics.max
                    || (parameters["count"] as? Double).map(Int.init) != statistics.count {
                    mismatches += 1
                }
            }
            #expect(mismatches == 0, "\(point): \(mismatches) Observations differ from their window")
        }
    }

    @Test func observationsTheServerAlreadyHoldsAreNotSentAgain() async throws {
        let server = try SensorThingsServer(directory: directory)
        defer { server.stop() }
        let outbox = try await TestOutbox.open(sink: "sensorthings:test", directory: directory)
        let packs = HubWindows.packs(6)
        // First round: the Datastreams are created and window 0 is stored.
        try await HubWindows.append([.aggregate(packs[0])], to: outbox)
        #expect(try await run([sink(outbox, batch: 10) { self.exchange(server, outbox, batch: 10) }]) {
            try await outbox.waitingCount() == 0
        })
        // Windows 1 and 2 reach the server but vigie died before forgetting them.
        for pack in packs[1...2] {
            for observation in SensorThingsObservation.observations(of: pack, result: .mean, statistics: HubWindows.statistics) {
                let json = observation.json(datastreamID: SensorThingsID(literal: "0"), form: .start)
                try server.post(observation: json, datastream: observation.stream.name(gateway: "gw"))
            }
        }
        try await HubWindows.append(packs[1...].map(UpstreamMessage.aggregate), to: outbox)

        #expect(try await run([sink(outbox, batch: 10) { self.exchange(server, outbox, batch: 10) }]) {
            try await outbox.waitingCount() == 0
        })

        let stored = try server.observations()
        for name in ["gw/meter/power/mean", "gw/meter/temperature/mean"] {
            #expect(starts(stored[name] ?? []).sorted() == packs.map(\.window.start), "\(name)")
        }
    }

    @Test func anOutageAndThreeCrashesDuringTheDrainLeaveNothingDoubledOrMissing() async throws {
        let server = try SensorThingsServer(directory: directory)
        defer { server.stop() }
        let outbox = try await TestOutbox.open(sink: "sensorthings:test", directory: directory)
        let packs = HubWindows.packs(240)
        try await HubWindows.append(packs.map(UpstreamMessage.aggregate), to: outbox)
        // Part of the backlog goes, then the server is down for a while.
        _ = try await run([sink(outbox, batch: 10) { self.exchange(server, outbox, batch: 10) }]) {
            try await outbox.waitingCount() < 200
        }
        server.stop()
        let during = sink(outbox, batch: 10) { self.exchange(server, outbox, batch: 10) }
        _ = try await run([during], seconds: 2) { during.status.lastError != nil }
        #expect(during.status.lastError != nil)
        try server.start()
        // Three processes die right after the server stored a round, each with a fresh memory.
        for crash in 0..<3 {
            let crashing = CrashingExchange(exchange(server, outbox, batch: 10), crashAfter: crash + 1)
            let process = sink(outbox, batch: 10) { crashing }
            #expect(try await run([process], seconds: 30) { crashing.crashed.withLock { $0 } })
        }
        #expect(try await run([sink(outbox, batch: 10) { self.exchange(server, outbox, batch: 10) }], seconds: 60) {
            try await outbox.waitingCount() == 0
        })

        let stored = try server.observations()
        for name in ["gw/meter/power/mean", "gw/meter/temperature/mean"] {
            let times = starts(stored[name] ?? [])
            #expect(times.count == Set(times).count, "\(name): \(times.count - Set(times).count) doubled phenomenonTime")
            #expect(Set(times) == Set(packs.map(\.window.start)), "\(name): \(Set(packs.map(\.window.start)).subtracting(times).count) missing")
        }
    }
}

@Suite(.serialized) struct NGSILDSinkTests {
    let directory: TemporaryDirectory

    init() { directory = TemporaryDirectory() }

    static let models = ["meter": NGSILDModel(type: "ACMeasurement", attributes: ["power": "totalActivePower"])]

    private func sink(_ recorder: NGSILDRecorder, _ outbox: TestOutbox, mode: NGSILDSinkConfiguration.Mode,
                      batch: Int = 20) throws -> HubSink {
        let tokenFile = directory.path("ngsi-token")
        try "tok-123\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let configuration = NGSILDSinkConfiguration(url: recorder.url, tenant: "territoire", tokenFile: tokenFile, mode: mode,
                                                    batch: batch, timeout: .seconds(5))
        return HubSinks.ngsiLD(configuration, name: outbox.sink,
                               mapper: NGSILDMapper(gateway: "gw", models: Self.models, statistics: HubWindows.statistics),
                               outbox: outbox.store.outbox, signal: OutboxSignal(), logger: .test,
                               backoff: Backoff.Configuration(initial: .milliseconds(50), maximum: .milliseconds(300)))
    }

    private struct Recorded: Decodable {
        var method: String
        var path: String
        var headers: [String: String]
        var status: Int
    }

    private func requests(_ recorder: NGSILDRecorder) throws -> [(Recorded, Any?)] {
        let text = (try? String(contentsOfFile: recorder.record, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { line in
            let data = Data(line.utf8)
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            return (try JSONDecoder().decode(Recorded.self, from: data), object?["body"])
        }
    }

    private static let anomaly = AnomalyEventMessage(sensor: SensorID(device: "meter", point: "power"), phase: .open,
                                                     start: HubWindows.start + 7_000, time: HubWindows.start + 7_000, score: 0.93,
                                                     peakScore: 0.93, reasons: ["spike"], value: 4_200, unit: "W",
                                                     expectedLow: 900, expectedHigh: 1_300)
    private static let health = GatewayHealth(time: HubWindows.start + 10_000, uptimeSeconds: 10, backlog: 3,
                                              oldestPendingAgeSeconds: 4, readingsIn: 50, errors: 0)

    @Test func temporalEntitiesCarryTheContractHeadersAndOnlySmartDataModelNames() async throws {
        let recorder = try NGSILDRecorder(directory: directory)
        defer { recorder.stop() }
        let outbox = try await TestOutbox.open(sink: "ngsi_ld:test", directory: directory)
        let messages = HubWindows.packs(4).map(UpstreamMessage.aggregate) + [.anomaly(Self.anomaly), .health(Self.health)]
        try await HubWindows.append(messages, to: outbox)
        let hub = try sink(recorder, outbox, mode: .temporal)

        #expect(try await run([hub]) { try await outbox.waitingCount() == 0 }, "\(hub.status)")

        let recorded = try requests(recorder)
        let posts = recorded.filter { $0.0.method == "POST" }
        #expect(!posts.isEmpty)
        for (request, _) in recorded {
            #expect(request.path.hasPrefix("/ngsi-ld/v1/temporal/entities"), "\(request.path)")
            #expect(request.headers["Link"] == "<https://smartdatamodels.org/context.jsonld>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"")
            #expect(request.headers["NGSILD-Tenant"] == "territoire")
            #expect(request.headers["Authorization"] == "Bearer tok-123")
        }
        let bodies = posts.compactMap { $0.1 as? [String: Any] }
        #expect(Set(bodies.compactMap { $0["id"] as? String }) == [
            "urn:ngsi-ld:ACMeasurement:gw:meter", "urn:ngsi-ld:DeviceMeasurement:gw:meter:temperature",
            "urn:ngsi-ld:Anomaly:gw:meter:power:\(Self.anomaly.start)", "urn:ngsi-ld:Device:gw",
        ])
        let meter = bodies.first { $0["id"] as? String == "urn:ngsi-ld:ACMeasurement:gw:meter" }
        let power = (meter?["totalActivePower"] as? [[String: Any]]) ?? []
        #expect(power.count == 4)
        #expect(power.allSatisfy { $0["unitCode"] as? String == "WTT" && ($0["observedAt"] as? String)?.hasSuffix("Z") == true })
        #expect((power.first?["max"] as? [String: Any])?["value"] as? Double == HubWindows.packs(1)[0].points[0].statistics.max)
        let temperature = bodies.first { ($0["id"] as? String)?.hasSuffix(":temperature") == true }
        #expect(((temperature?["numValue"] as? [[String: Any]])?.first?["unitCode"]) as? String == "CEL")
        #expect(try recorder.modelProblems() == [])
    }

    @Test func currentModeUpsertsTheLatestWindowOfEachEntity() async throws {
        let recorder = try NGSILDRecorder(directory: directory)
        defer { recorder.stop() }
        let outbox = try await TestOutbox.open(sink: "ngsi_ld:test", directory: directory)
        try await HubWindows.append(HubWindows.packs(3).map(UpstreamMessage.aggregate), to: outbox)
        let hub = try sink(recorder, outbox, mode: .current)

        #expect(try await run([hub]) { try await outbox.waitingCount() == 0 }, "\(hub.status)")

        let posts = try requests(recorder).filter { $0.0.method == "POST" }
        #expect(posts.map(\.0.path) == ["/ngsi-ld/v1/entityOperations/upsert?options=update"])
        let entities = posts.first?.1 as? [[String: Any]] ?? []
        #expect(entities.count == 2)
        let observedAt = (entities.first?["totalActivePower"] as? [String: Any])?["observedAt"] as? String
        #expect(observedAt.flatMap { try? RFC3339.milliseconds($0) } == HubWindows.packs(3)[2].window.end)
        #expect(try recorder.modelProblems() == [])
    }

    @Test func anOutageAnsweredWith503EndsWithEveryWindowStoredOnce() async throws {
        let recorder = try NGSILDRecorder(directory: directory, failures: 6)
        defer { recorder.stop() }
        let outbox = try await TestOutbox.open(sink: "ngsi_ld:test", directory: directory)
        let packs = HubWindows.packs(30)
        try await HubWindows.append(packs.map(UpstreamMessage.aggregate), to: outbox)
        let hub = try sink(recorder, outbox, mode: .temporal, batch: 7)

        #expect(try await run([hub], seconds: 30) { try await outbox.waitingCount() == 0 }, "\(hub.status)")

        let stored = try requests(recorder).filter { $0.0.method == "POST" && $0.0.status == 0 }
        #expect(try requests(recorder).contains { $0.0.status == 503 })
        for (id, attribute) in [("urn:ngsi-ld:ACMeasurement:gw:meter", "totalActivePower"),
                                ("urn:ngsi-ld:DeviceMeasurement:gw:meter:temperature", "numValue")] {
            let instants = stored.compactMap { $0.1 as? [String: Any] }.filter { $0["id"] as? String == id }
                .flatMap { ($0[attribute] as? [[String: Any]]) ?? (($0[attribute] as? [String: Any]).map { [$0] } ?? []) }
                .compactMap { ($0["observedAt"] as? String).flatMap { try? RFC3339.milliseconds($0) } }
            #expect(instants.count == Set(instants).count, "\(id): doubled instances")
            #expect(Set(instants) == Set(packs.map(\.window.end)), "\(id): \(packs.count - Set(instants).count) missing")
        }
    }

    @Test func anEntityTheBrokerRefusesIsHeldAndReportedWhileTheRestGoes() async throws {
        let recorder = try NGSILDRecorder(directory: directory, refusing: "urn:ngsi-ld:Anomaly")
        defer { recorder.stop() }
        let outbox = try await TestOutbox.open(sink: "ngsi_ld:test", directory: directory)
        try await HubWindows.append([.aggregate(HubWindows.packs(1)[0]), .anomaly(Self.anomaly),
                                     .aggregate(HubWindows.packs(2)[1])], to: outbox)
        let hub = try sink(recorder, outbox, mode: .temporal, batch: 1)

        let reached = try await run([hub]) {
            try await outbox.waitingCount() == 1 && hub.status.held == 1
        }

        #expect(reached, "\(hub.status)")
        #expect(hub.status.lastRefusal?.contains("HTTP 400") == true)
        #expect(hub.status.lastRefusal?.contains("attribute not allowed") == true)
        let anomalyPosts = try requests(recorder).filter { $0.0.method == "POST" && ($0.1 as? [String: Any])?["type"] as? String == "Anomaly" }
        #expect(anomalyPosts.count >= 1)
    }

    @Test func aRefusedTokenIsReportedAsACredentialProblem() async throws {
        let hub = try HTTPHub(statuses: [401], directory: directory)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "ngsi_ld:test", directory: directory)
        try await HubWindows.append([.aggregate(HubWindows.packs(1)[0])], to: outbox)
        let tokenFile = directory.path("ngsi-token")
        try "expired\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let configuration = NGSILDSinkConfiguration(url: "http://127.0.0.1:\(hub.port)", tokenFile: tokenFile, mode: .current)
        let sink = HubSinks.ngsiLD(configuration, name: outbox.sink,
                                   mapper: NGSILDMapper(gateway: "gw", models: [:], statistics: [.mean]),
                                   outbox: outbox.store.outbox, signal: OutboxSignal(), logger: .test,
                                   backoff: Backoff.Configuration(initial: .milliseconds(50), maximum: .milliseconds(300)))

        #expect(try await run([sink]) { sink.status.lastError != nil })
        #expect(sink.status.lastError?.contains("refused the credentials (HTTP 401)") == true, "\(sink.status)")
        #expect(try await outbox.waitingCount() == 1)
    }
}
