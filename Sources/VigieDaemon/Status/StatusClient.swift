import FlyingFox
import Foundation
import VigieCore

/// Reads a running gateway's state over its HTTP API, for `vigie status`.
public struct StatusClient: Sendable {
    public let endpoint: Endpoint
    public let token: String?

    /// - Parameter url: `http://HOST:PORT` (plain HTTP only: the listener is local or behind a token).
    public init(url: String, token: String? = nil) throws(VigieDaemonError) {
        var rest = Substring(url)
        if rest.hasPrefix("http://") { rest = rest.dropFirst(7) } else if rest.contains("://") {
            throw VigieDaemonError(.usage, "Only http:// URLs are supported, not '\(url)'.")
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        guard let endpoint = Endpoint(parsing: String(rest), defaultPort: 9108) else {
            throw VigieDaemonError(.usage, "'\(url)' is not a URL like http://127.0.0.1:9108.")
        }
        self.endpoint = endpoint
        self.token = token
    }

    /// One GET: the status code and the body.
    public func get(_ path: String, query: [String: String] = [:]) async throws(VigieDaemonError) -> (status: Int, body: Data) {
        do {
            var headers: HTTPHeaders = [HTTPHeader("Host"): endpoint.description, HTTPHeader("Connection"): "close"]
            if let token { headers[.authorization] = "Bearer \(token)" }
            let request = HTTPRequest(method: .GET, version: .http11, path: path,
                                      query: query.map { .init(name: $0.key, value: $0.value) },
                                      headers: headers, body: HTTPBodySequence(data: Data()))
            let address = try StatusHTTPServer.socketAddress(endpoint)
            var client = HTTPClient()
            let response = try await client.sendHTTPRequest(request, to: address)
            return (response.statusCode.code, try await response.bodyData)
        } catch let error as VigieDaemonError {
            throw error
        } catch {
            throw VigieDaemonError(.http, "No answer from the gateway at http://\(endpoint) (\(error)): is vigie running, with gateway.http on that address?")
        }
    }

    /// The snapshot and health report, as `vigie status` shows them.
    public func fetch() async throws(VigieDaemonError) -> (snapshot: GatewaySnapshot, health: HealthReport) {
        let status = try await get("/api/status")
        let health = try await get("/health")
        guard status.status == 200 else {
            throw VigieDaemonError(.http, status.status == 401
                ? "The gateway requires a token: pass --token-file."
                : "The gateway answered \(status.status) to /api/status.")
        }
        do {
            let decoder = JSONDecoder()
            return (try decoder.decode(GatewaySnapshot.self, from: status.body),
                    try decoder.decode(HealthReport.self, from: health.body))
        } catch {
            throw VigieDaemonError(.http, "The gateway's answer could not be read (\(error)): is it the same vigie version?")
        }
    }
}
