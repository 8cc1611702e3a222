import FoundationEssentials
import VigieCore
import VigieHTTP

/// Reads a running gateway's state over its HTTP API, for `vigie status`, with the gateway's one
/// HTTP client (`HTTPPoster`, libcurl loaded on first use: `vigie status` is a short-lived command,
/// the daemon's footprint is not at stake, and the .deb depends on libcurl4).
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

    /// The largest answer read; the gateway's biggest page is far smaller.
    static let answerLimit = 64 * 1024 * 1024

    /// One GET: the status code and the body.
    public func get(_ path: String, query: [String: String] = [:]) async throws(VigieDaemonError) -> (status: Int, body: Data) {
        let url = "http://\(endpoint)\(path)" + (query.isEmpty ? "" : "?" + query.sorted { $0.key < $1.key }
            .map { "\(Self.percentEncoded($0.key))=\(Self.percentEncoded($0.value))" }.joined(separator: "&"))
        let headers = token.map { ["Authorization: Bearer \($0)"] } ?? []
        let timeout = timeout
        let result = await BlockingQueue(label: "vigie.status.client").run {
            Result { () throws(UpstreamError) in
                try HTTPPoster().exchange(method: .get, url: url, headers: headers, tls: nil, timeout: timeout,
                                          responseLimit: Self.answerLimit)
            }
        }
        switch result {
        case .success(let response):
            return (response.status, Data(response.bodyPrefix.utf8))
        case .failure(let failure):
            throw VigieDaemonError(.http, "No answer from the gateway at http://\(endpoint) (\(failure.message)): "
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
