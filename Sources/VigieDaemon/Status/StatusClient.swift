import Dispatch
import FoundationEssentials
import VigieCore
import VigieHTTP

/// Reads a running gateway's state over its HTTP API, for `vigie status`.
public struct StatusClient: Sendable {
    public let endpoint: Endpoint
    public let token: String?
    /// How long connecting, sending and each read may take.
    public var timeout: Duration = .seconds(10)

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
        let address = try HTTPSocketAddress(endpoint)
        var target = path
        if !query.isEmpty {
            target += "?" + query.sorted { $0.key < $1.key }
                .map { "\(Self.percentEncoded($0.key))=\(Self.percentEncoded($0.value))" }.joined(separator: "&")
        }
        var request = "GET \(target) HTTP/1.1\r\nHost: \(endpoint)\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        let timeout = timeout
        let result = await withCheckedContinuation { continuation in
            // A serial queue gets a thread of its own; the global concurrent one may have none free.
            DispatchQueue(label: "vigie.status.client").async {
                continuation.resume(returning: StatusExchange.run(bytes, to: address, timeout: timeout))
            }
        }
        switch result {
        case .success(let response):
            return (response.status, Data(response.body))
        case .failure(let failure):
            throw VigieDaemonError(.http, "No answer from the gateway at http://\(endpoint) (\(failure.reason)): "
                                   + "is vigie running, with gateway.http on that address?")
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

    /// `text` with everything but RFC 3986 unreserved characters percent-encoded.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                encoded.unicodeScalars.append(contentsOf: ["%", hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        return encoded
    }
}
