/// One HTTP/1.1 response of the gateway's listener: always `Connection: close`, `Cache-Control:
/// no-store` and a `Content-Length`.
package struct HTTPResponse: Sendable, Equatable {
    package var status: Int
    package var contentType: String
    /// Headers beyond the standard ones, e.g. `WWW-Authenticate`.
    package var extraFields: [HTTPField] = []
    package var body: [UInt8]

    package init(status: Int, contentType: String, extraFields: [HTTPField] = [], body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.extraFields = extraFields
        self.body = body
    }

    /// A header field of a response.
    package struct HTTPField: Sendable, Equatable {
        package var name: String
        package var value: String

        package init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// A plain-text response (`text/plain; charset=utf-8`).
    package static func text(_ status: Int, _ body: String, extraFields: [HTTPField] = []) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", extraFields: extraFields, body: Array(body.utf8))
    }

    /// The bytes to send: status line, headers, and the body unless `includeBody` is false (HEAD).
    package func serialized(includeBody: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        head += "Content-Type: \(contentType)\r\n"
        head += "Content-Length: \(body.count)\r\n"
        head += "Cache-Control: no-store\r\n"
        for field in extraFields { head += "\(field.name): \(field.value)\r\n" }
        head += "Connection: close\r\n\r\n"
        return Array(head.utf8) + (includeBody ? body : [])
    }

    package static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Status"
        }
    }
}
