import CCurl
import VigieCore

/// POSTs a body to a URL (or GETs one) with libcurl and returns the status and the start of the response:
/// the gateway's one HTTP client (HTTP and hub sinks, `vigie status`).
///
/// One instance owns one curl easy handle, reused across requests (keep-alive, TLS session
/// reuse). libcurl is loaded when the first poster is made (see `CCurl`'s shim): a gateway
/// without an HTTP sink never maps it and the ~25 libraries it depends on. Calls block: the HTTP sink runs them on its own thread, never on the cooperative pool.
/// `@unchecked Sendable`: it is handed once to the sink's thread, which is then its only user
/// (one sink, one poster, one thread); it is not safe to call `post` concurrently.
public final class HTTPPoster: @unchecked Sendable {
    /// What the server answered.
    public struct Response: Sendable, Equatable {
        public var status: Int
        /// The first bytes of the body, for logs (never the whole body).
        public var bodyPrefix: String
    }

    /// The easy handle; nil when libcurl could not be loaded (then `post` says why).
    private let handle: UnsafeMutableRawPointer?
    private let unavailable: String?

    /// Response bytes kept for the log line of a refused batch.
    public static let bodyPrefixLimit = 512

    public init() {
        if let error = vigie_curl_load_error() {
            handle = nil
            unavailable = "libcurl could not be loaded (install libcurl4): \(String(cString: error))"
        } else if let handle = vigie_curl_easy_init() {
            self.handle = handle
            unavailable = nil
        } else {
            handle = nil
            unavailable = "libcurl could not make a handle (out of memory)"
        }
    }

    deinit {
        if let handle { vigie_curl_easy_cleanup(handle) }
    }

    /// Sends `body` and waits for the answer; throws `UpstreamError` on a transport failure
    /// (DNS, refused, timeout, TLS), returns the response for any HTTP status.
    public func post(
        url: String, body: [UInt8], contentType: String, bearerToken: String?,
        tls: TLSConfiguration?, timeout: Duration
    ) throws(UpstreamError) -> Response {
        var headers = ["Content-Type: \(contentType)"]
        if let bearerToken { headers.append("Authorization: Bearer \(bearerToken)") }
        return try exchange(method: .post(body), url: url, headers: headers, tls: tls, timeout: timeout)
    }

    /// The request of `exchange`: a GET, or a POST of a body.
    public enum Method: Sendable {
        case get
        case post([UInt8])
    }

    /// Sends one request with `headers` (`Name: value` lines) and waits for the answer, keeping
    /// the first `responseLimit` bytes of its body; throws `UpstreamError` on a transport failure.
    public func exchange(
        method: Method, url: String, headers lines: [String], tls: TLSConfiguration?, timeout: Duration,
        responseLimit: Int = HTTPPoster.bodyPrefixLimit
    ) throws(UpstreamError) -> Response {
        guard let handle else {
            throw UpstreamError(.transport, "cannot reach \(url): \(unavailable ?? "libcurl is unavailable")")
        }
        vigie_curl_easy_reset(handle)
        var headers: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines + ["Expect:"] { headers = vigie_curl_slist_append(headers, line) }
        defer { vigie_curl_slist_free_all(headers) }

        let collector = ResponseCollector(limit: responseLimit)
        let collectorPointer = Unmanaged.passUnretained(collector).toOpaque()
        let timeoutMillis = max(1, Int(timeout.milliseconds))
        var setupFailed = CURLE_OK
        func set(_ code: CURLcode) { if setupFailed == CURLE_OK { setupFailed = code } }
        set(vigie_curl_setopt_string(handle, CURLOPT_URL, url))
        switch method {
        case .get: set(vigie_curl_setopt_long(handle, CURLOPT_HTTPGET, 1))
        case .post: set(vigie_curl_setopt_long(handle, CURLOPT_POST, 1))
        }
        set(vigie_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headers)))
        set(vigie_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMillis))
        set(vigie_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, timeoutMillis))
        set(vigie_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        set(vigie_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(vigie_curl_setopt_write_function(handle, collectResponseBytes))
        set(vigie_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, collectorPointer))
        if let tls {
            if let ca = tls.ca { set(vigie_curl_setopt_string(handle, CURLOPT_CAINFO, ca)) }
            if let cert = tls.cert { set(vigie_curl_setopt_string(handle, CURLOPT_SSLCERT, cert)) }
            if let key = tls.key { set(vigie_curl_setopt_string(handle, CURLOPT_SSLKEY, key)) }
            set(vigie_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, tls.verifyHostname ? 2 : 0))
        }
        guard setupFailed == CURLE_OK else {
            throw UpstreamError(.transport, "could not set up the request to \(url): \(Self.message(setupFailed))")
        }

        let result: CURLcode
        switch method {
        case .get:
            result = vigie_curl_easy_perform(handle)
        case .post(let body):
            // POSTFIELDS is not copied by curl: the body must stay alive until perform returns.
            var payload = body.isEmpty ? [0] : body
            result = payload.withUnsafeMutableBytes { buffer in
                _ = vigie_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                _ = vigie_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, buffer.baseAddress)
                return vigie_curl_easy_perform(handle)
            }
        }
        guard result == CURLE_OK else {
            throw UpstreamError(.transport, "\(method.name) \(url) failed: \(Self.message(result))")
        }
        var status = 0
        _ = vigie_curl_response_code(handle, &status)
        return Response(status: status, bodyPrefix: collector.text)
    }

    private static func message(_ code: CURLcode) -> String {
        String(cString: vigie_curl_easy_strerror(code))
    }
}

extension HTTPPoster.Method {
    /// `GET` or `POST`, for messages.
    var name: String {
        switch self {
        case .get: "GET"
        case .post: "POST"
        }
    }
}

/// Keeps the first bytes of a response body.
private final class ResponseCollector {
    package let limit: Int
    package var bytes: [UInt8] = []

    package init(limit: Int) { self.limit = limit }

    package var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// libcurl's write callback: a C function pointer, so it cannot capture; the collector comes as `userdata`.
private func collectResponseBytes(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ userdata: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let data, let userdata else { return length }
    let collector = Unmanaged<ResponseCollector>.fromOpaque(userdata).takeUnretainedValue()
    let room = collector.limit - collector.bytes.count
    if room > 0 {
        let buffer = UnsafeRawBufferPointer(start: data, count: min(room, length))
        collector.bytes.append(contentsOf: buffer)
    }
    return length
}
