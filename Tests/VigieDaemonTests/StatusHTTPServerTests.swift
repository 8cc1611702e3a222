import Foundation
import Logging
import Metrics
import Prometheus
import Testing
import VigieCore
@testable import VigieDaemon
@testable import VigieHTTP
import VigieTestKit

@Suite struct StatusHTTPServerTests {
    /// Runs a real server on a free loopback port for the duration of `body`.
    func withServer(_ provider: FakeStatusProvider = FakeStatusProvider(), token: String? = nil,
                    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                    _ body: (StatusClient, StatusClient) async throws -> Void) async throws {
        var tokenFile: String?
        if let token {
            tokenFile = NSTemporaryDirectory() + "vigie-token-\(UInt32.random(in: 0...UInt32.max))"
            try (token + "\n").write(toFile: tokenFile!, atomically: true, encoding: .utf8)
        }
        defer { if let tokenFile { try? FileManager.default.removeItem(atPath: tokenFile) } }
        let server = try StatusHTTPServer(endpoint: Endpoint(host: "127.0.0.1", port: 0), tokenFile: tokenFile,
                                          environment: [:], provider: provider, registry: registry,
                                          startedAt: FakeStatusProvider.now, logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            let port = try #require(await server.listeningPort())
            let url = "http://127.0.0.1:\(port)"
            try await body(try StatusClient(url: url, token: token), try StatusClient(url: url))
            tasks.cancelAll()
        }
    }

    @Test func healthFlipsBetween200And503() async throws {
        let provider = FakeStatusProvider()
        try await withServer(provider) { client, _ in
            let ok = try await client.get("/health")
            #expect(ok.status == 200)
            let report = try JSONDecoder().decode(HealthReport.self, from: ok.body)
            #expect(report.status == .ok && report.gateway == "mairie-annexe-01")
            provider.set { $0.store.state = .failing }
            let failing = try await client.get("/health")
            #expect(failing.status == 503)
            #expect(try JSONDecoder().decode(HealthReport.self, from: failing.body).status == .failing)
            provider.set { $0.store.state = .ok; $0.buses[0].devices[0].state = .failing }
            let degraded = try await client.get("/health")
            #expect(degraded.status == 200)
            #expect(try JSONDecoder().decode(HealthReport.self, from: degraded.body).status == .degraded)
        }
    }

    @Test func metricsAreValidPrometheusTextWithProcessGauges() async throws {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        Counter(label: "vigie_ingest_readings_total", dimensions: [("source", "modbus")], factory: factory).increment(by: 42)
        try await withServer(registry: registry) { client, _ in
            let response = try await client.get("/metrics")
            #expect(response.status == 200)
            let text = String(decoding: response.body, as: UTF8.self)
            let sampleLine = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9.eE+\-]+(Inf)?$/
            let commentLine = /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/
            for line in text.split(separator: "\n") {
                #expect(line.wholeMatch(of: sampleLine) != nil || line.wholeMatch(of: commentLine) != nil, "bad line: \(line)")
            }
            let names = Set(text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.prefix { $0 != " " && $0 != "{" } })
            #expect(names.allSatisfy { $0.hasPrefix("vigie_") })
            #expect(text.contains("vigie_ingest_readings_total{source=\"modbus\"} 42"))
            let rss = try #require(text.split(separator: "\n").first { $0.hasPrefix("vigie_process_resident_memory_bytes ") })
            #expect((Double(rss.split(separator: " ")[1]) ?? 0) > 1_000_000)
            #expect(text.contains("# TYPE vigie_process_cpu_seconds_total counter"))
        }
    }

    @Test func sensorsReadingsAndEventsAnswerJSON() async throws {
        try await withServer { client, _ in
            let sensors = try await client.get("/api/sensors")
            let list = try JSONDecoder().decode([SensorStatus].self, from: sensors.body)
            #expect(list.first == SensorStatus(id: "meter/voltage", unit: "V", value: 231.42, quality: "good",
                                               time: FakeStatusProvider.now - 4000, anomalyScore: 0.05))
            let from = FakeStatusProvider.now - 3_600_000
            let readings = try await client.get("/api/sensors/meter/voltage/readings",
                                                query: ["from": "\(from)", "to": "\(FakeStatusProvider.now)"])
            let json = try #require(try JSONSerialization.jsonObject(with: readings.body) as? [String: Any])
            let rows = try #require(json["readings"] as? [[String: Any]])
            #expect(json["sensor"] as? String == "meter/voltage" && rows.count == 12)
            #expect(rows.first?["time"] as? Int64 == from && rows.first?["quality"] as? String == "good")
            #expect(try await client.get("/api/sensors/meter%2Fvoltage/readings").status == 200)
            #expect(try await client.get("/api/sensors/nodevice/readings").status == 400)
            #expect(try await client.get("/api/sensors/meter/voltage/readings", query: ["from": "yesterday"]).status == 400)
            let events = try JSONDecoder().decode([AnomalyStatus].self, from: try await client.get("/api/events").body)
            #expect(events.map(\.kind) == ["level_shift"])
            #expect(try await client.get("/nope").status == 404)
        }
    }

    @Test func statusPageIsSelfContainedAndShowsTheState() async throws {
        try await withServer { client, _ in
            let response = try await client.get("/")
            #expect(response.status == 200)
            let page = String(decoding: response.body, as: UTF8.self)
            for text in ["mairie-annexe-01", "meter/voltage", "231.42 V", "rs485-1", "level_shift", "hub.territoire.example", "on hub2.territoire.example:8883", "3 d 4 h",
                         "3 readings dated by arrival (device clock ahead)", "5 readings dated by arrival (device clock not set)",
                         "2 retained messages not stored (sent before vigie subscribed)",
                         "4 duplicate messages dropped (sent again by the broker)", "age unknown<br><small>retained, not stored"] {
                #expect(page.contains(text), "missing \(text)")
            }
            #expect(page.firstMatch(of: /(src|href)=["']?(https?:)?\/\//) == nil)
            #expect(!page.contains("@import") && !page.contains("url("))
            // scripts/status-page-screenshot.sh sets this to render the live page in headless Chromium.
            if let png = ProcessInfo.processInfo.environment["VIGIE_SCREENSHOT"] {
                let chromium = Process()
                chromium.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
                chromium.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                      "--virtual-time-budget=3000", "--screenshot=\(png)",
                                      "--window-size=\(ProcessInfo.processInfo.environment["VIGIE_SCREENSHOT_SIZE"] ?? "1280,900")",
                                      "http://\(client.endpoint)/"]
                try chromium.run()
                chromium.waitUntilExit()
                #expect(chromium.terminationStatus == 0)
            }
        }
    }

    @Test func theStatusClientShowsTheSameSummary() async throws {
        try await withServer { client, _ in
            let (snapshot, health) = try await client.fetch()
            let lines = StatusSummary.lines(snapshot, health: health)
            #expect(lines.first == "gateway mairie-annexe-01 (gw-mairie): ok, vigie 0.1.0, up 3 d 4 h")
            #expect(lines.contains("  device meter unit 1: ok, last poll 4 s ago, 2 errors"))
            #expect(lines.contains("sensor meter/voltage = 231.42 V (good, 4 s ago, anomaly 0.05)"))
            #expect(lines.contains("sensor cave/temperature = 12.5 (good, age unknown, retained, not stored)"))
            #expect(lines.contains("subscription zigbee2mqtt/+: ok, last message 30 s ago, 0 decode failures, "
                                   + "3 readings dated by arrival (device clock ahead), 5 readings dated by arrival (device clock not set), "
                                   + "2 retained messages not stored (sent before vigie subscribed), "
                                   + "4 duplicate messages dropped (sent again by the broker)"))
            #expect(lines.contains("upstream hub (mqtt hub.territoire.example:8883, hub2.territoire.example:8883): ok, connected to hub2.territoire.example:8883, backlog 3, oldest 20 s ago"))
        }
    }

    @Test func aTokenIsRequiredWhenConfigured() async throws {
        try await withServer(token: "s3cret-token") { withToken, withoutToken in
            let anonymous = try await withoutToken.get("/health")
            let wrong = try await StatusClient(url: withToken.endpoint.description, token: "wrong").get("/health")
            let health = try await withToken.get("/health")
            let page = try await withToken.get("/")
            #expect(anonymous.status == 401 && wrong.status == 401)
            #expect(health.status == 200 && page.status == 200)
        }
    }

    @Test func aPublicAddressWithoutTokenIsRefused() throws {
        let error = #expect(throws: VigieDaemonError.self) {
            _ = try StatusHTTPServer(endpoint: Endpoint(host: "0.0.0.0", port: 9108), tokenFile: nil, environment: [:],
                                     provider: FakeStatusProvider(), registry: PrometheusCollectorRegistry(),
                                     startedAt: 0, logger: Logger(label: "test"))
        }
        #expect(error?.code == .httpConfiguration)
        #expect(error?.message.contains("http_token_file") == true)
        #expect(throws: VigieDaemonError.self) {
            _ = try StatusHTTPServer(endpoint: Endpoint(host: "0.0.0.0", port: 9108),
                                     tokenFile: "$CREDENTIALS_DIRECTORY/http-token", environment: [:],
                                     provider: FakeStatusProvider(), registry: PrometheusCollectorRegistry(),
                                     startedAt: 0, logger: Logger(label: "test"))
        }
    }
}
