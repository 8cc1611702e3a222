import FoundationEssentials
import Prometheus
import VigieCore
import VigieHTTP

/// Answers every route of the gateway's HTTP listener, after checking the bearer token if one is set.
///
/// Routes (GET): `/` status page, `/health`, `/metrics`, `/api/status` (the whole snapshot),
/// `/api/sensors`, `/api/sensors/{device}/{point}/readings?from=&to=&limit=` (ms since the epoch;
/// default the last 24 h, at most 5000), `/api/events?limit=`.
struct GatewayHTTPHandler: Sendable {
    let provider: any GatewayStatusProvider
    let registry: PrometheusCollectorRegistry
    let processMetrics: ProcessMetrics
    let evaluator: HealthEvaluator
    /// Required as `Authorization: Bearer <token>` when set.
    let token: String?

    /// The answer to `request`; a failure to encode JSON is a 500.
    func respond(to request: HTTPRequestHead) async -> HTTPResponse {
        do {
            return try await route(request)
        } catch {
            return .text(500, "The answer could not be encoded: \(error)\n")
        }
    }

    private func route(_ request: HTTPRequestHead) async throws -> HTTPResponse {
        guard authorized(request) else {
            return .text(401, "A bearer token is required: send 'Authorization: Bearer <token>'.\n",
                         extraFields: [.init(name: "WWW-Authenticate", value: "Bearer realm=\"vigie\"")])
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .text(405, "Only GET is supported.\n", extraFields: [.init(name: "Allow", value: "GET, HEAD")])
        }
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        switch path {
        case "/", "/index.html":
            let snapshot = await provider.snapshot()
            let page = StatusPage.render(snapshot, health: evaluator.evaluate(snapshot))
            return HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(page.utf8))
        case "/health":
            let report = evaluator.evaluate(await provider.snapshot())
            return try Self.json(report, status: report.httpStatus)
        case "/metrics":
            processMetrics.update()
            return HTTPResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: registry.emitToBuffer())
        case "/api/status":
            return try Self.json(await provider.snapshot())
        case "/api/sensors":
            return try Self.json(await provider.snapshot().sensors)
        case "/api/events":
            let limit = (try? Self.integer(request, "limit", default: 100)) ?? 100
            return try Self.json(await provider.events(limit: Int(clamping: max(1, min(limit, 10_000)))))
        default:
            if let sensor = Self.readingsSensor(path) { return try await readings(sensor, request) }
            return .text(404, "No such page. Try /, /health, /metrics or /api/sensors.\n")
        }
    }

    private func readings(_ sensorText: String, _ request: HTTPRequestHead) async throws -> HTTPResponse {
        guard let sensor = SensorID(sensorText) else {
            return .text(400, "'\(sensorText)' is not a sensor id: use device/point.\n")
        }
        let to: Int64, from: Int64, limit: Int64
        do {
            to = try Self.integer(request, "to", default: Int64(Date().timeIntervalSince1970 * 1000))
            from = try Self.integer(request, "from", default: to - 86_400_000)
            limit = try Self.integer(request, "limit", default: 5000)
        } catch {
            return .text(400, "\(error.message)\n")
        }
        do {
            let rows = try await provider.readings(sensor: sensor, from: from, to: to,
                                                   limit: Int(clamping: max(1, min(limit, 100_000))))
            return try Self.json(ReadingsResponse(sensor: sensor.description, from: from, to: to, readings: rows.map {
                .init(time: $0.time, value: $0.value, quality: $0.quality.description)
            }))
        } catch {
            return .text(503, "The store could not be read: \(error)\n")
        }
    }

    private func authorized(_ request: HTTPRequestHead) -> Bool {
        guard let token else { return true }
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return false }
        return Self.constantTimeEqual(Array(header.utf8.dropFirst(7)), Array(token.utf8))
    }

    /// `device/point` from `/api/sensors/device/point/readings`, percent-decoded.
    static func readingsSensor(_ path: String) -> String? {
        let prefix = "/api/sensors/", suffix = "/readings"
        guard path.hasPrefix(prefix), path.hasSuffix(suffix), path.count > prefix.count + suffix.count else { return nil }
        let middle = String(path.dropFirst(prefix.count).dropLast(suffix.count))
        return HTTPRequestHead.percentDecoded(Substring(middle)) ?? middle
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    struct QueryError: Error { var message: String }

    private static func integer(_ request: HTTPRequestHead, _ name: String, default value: Int64) throws(QueryError) -> Int64 {
        guard let text = request.query[name], !text.isEmpty else { return value }
        guard let number = Int64(text) else {
            throw QueryError(message: "'\(name)=\(text)' is not an integer (milliseconds since the Unix epoch, or a count).")
        }
        return number
    }

    private struct ReadingsResponse: Encodable {
        struct Row: Encodable { var time: Int64; var value: Double; var quality: String }
        var sensor: String
        var from: Int64
        var to: Int64
        var readings: [Row]
    }

    /// `JSONEncoder`, not `JSONWriter`: `vigie status` decodes these types from the same `Codable`
    /// declaration (ARCHITECTURE.md, "One of each").
    private static func json(_ value: some Encodable, status: Int = 200) throws -> HTTPResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return HTTPResponse(status: status, contentType: "application/json", body: Array(try encoder.encode(value)))
    }
}
