import VigieCore
import VigieHTTP

/// HTTP requests to a data hub, with the headers every request of one sink carries
/// (authorization, tenant, context); curl calls run on the sink's own serial queue.
final class HubConnection: Sendable {
    private let poster = HTTPPoster()
    private let queue: BlockingQueue
    private let headers: [String]
    private let tls: TLSConfiguration?
    private let timeout: Duration
    /// Answers to GETs are read whole up to this size (a page of Observations, an entity's instances).
    static let answerLimit = 4 << 20

    init(label: String, headers: [String], tls: TLSConfiguration?, timeout: Duration) {
        self.queue = BlockingQueue(label: "vigie.sink.\(label)")
        self.headers = headers
        self.tls = tls
        self.timeout = timeout
    }

    func get(_ url: String, headers extra: [String] = []) async -> Result<HTTPPoster.Response, UpstreamError> {
        await exchange(.get, url: url, headers: headers + extra)
    }

    func post(_ url: String, json: String, headers extra: [String] = []) async -> Result<HTTPPoster.Response, UpstreamError> {
        await exchange(.post(Array(json.utf8)), url: url, headers: headers + ["Content-Type: application/json"] + extra)
    }

    private func exchange(_ method: HTTPPoster.Method, url: String,
                          headers: [String]) async -> Result<HTTPPoster.Response, UpstreamError> {
        let poster = self.poster
        let tls = self.tls
        let timeout = self.timeout
        return await queue.run {
            Result { () throws(UpstreamError) in
                try poster.exchange(method: method, url: url, headers: headers, tls: tls,
                                    timeout: timeout, responseLimit: Self.answerLimit)
            }
        }
    }

    /// `%`-encodes what is not unreserved (RFC 3986) in a query value or path segment.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                result += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return result
    }
}

/// Why a round of deliveries to a hub stopped.
enum HubFailure: Error, Sendable, Equatable {
    /// Not reached: DNS, refused, timeout, TLS.
    case transport(String)
    /// 401 or 403: the token or password is wrong, expired, or lacks a right.
    case credentials(status: Int, answer: String)
    /// 5xx, 408, 429 or an answer that cannot be read: try again later.
    case server(status: Int, answer: String)

    var message: String {
        switch self {
        case .transport(let reason): reason
        case .credentials(let status, let answer):
            "the hub refused the credentials (HTTP \(status)): check the token or password file and its rights; \(answer)"
        case .server(let status, let answer): "the hub failed (HTTP \(status)): \(answer)"
        }
    }
}

/// How a hub's answer is taken.
enum HubAnswer: Equatable {
    case success
    /// The content is refused (4xx other than 401, 403, 408, 429): retrying the same cannot help soon.
    case refused(String)
    case failure(HubFailure)

    init(_ result: Result<HTTPPoster.Response, UpstreamError>) {
        switch result {
        case .failure(let error): self = .failure(.transport(error.message))
        case .success(let response): self.init(response)
        }
    }

    init(_ response: HTTPPoster.Response) {
        let answer = String(response.bodyPrefix.prefix(300))
        switch response.status {
        case 200..<300: self = .success
        case 401, 403: self = .failure(.credentials(status: response.status, answer: answer))
        case 408, 429: self = .failure(.server(status: response.status, answer: answer))
        case 400..<500: self = .refused("HTTP \(response.status): \(answer)")
        default: self = .failure(.server(status: response.status, answer: answer))
        }
    }
}
