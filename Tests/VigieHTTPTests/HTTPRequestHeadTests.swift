import Testing
@testable import VigieHTTP

@Suite struct HTTPRequestHeadTests {
    func parse(_ text: String) throws(HTTPRequestHead.Failure) -> HTTPRequestHead {
        try HTTPRequestHead.parse(Array(text.utf8))
    }

    func status(_ text: String) -> Int? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.status
        }
    }

    @Test func aRequestWithQueryAndHeadersIsParsed() throws {
        let head = try parse("GET /api/sensors/meter%2Fvoltage/readings?from=12&to=34&note=a%20b&from=99 HTTP/1.1\r\n"
                             + "Host: 127.0.0.1:9108\r\nAuthorization:  Bearer abc \r\n\r\n")
        #expect(head.method == "GET" && head.version == "HTTP/1.1")
        #expect(head.path == "/api/sensors/meter%2Fvoltage/readings")
        #expect(head.query == ["from": "12", "to": "34", "note": "a b"])
        #expect(head.header("authorization") == "Bearer abc" && head.header("HOST") == "127.0.0.1:9108")
        #expect(!head.hasBody)
    }

    @Test func bareLineFeedsAndAMissingHostAreAccepted() throws {
        let crlf = try parse("GET /health HTTP/1.0\r\nAccept: */*\r\n\r\n")
        let lf = try parse("GET /health HTTP/1.0\nAccept: */*\n\n")
        #expect(crlf == lf)
        #expect(lf.header("Host") == nil && lf.header("Accept") == "*/*")
    }

    @Test func badRequestLinesAre400() {
        for line in ["GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1 extra\r\n\r\n", "\r\n\r\n",
                     "GET http://example.org/ HTTP/1.1\r\n\r\n", "GET * HTTP/1.1\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
                     "GET / HTTP/1.10\r\n\r\n", "GET / http/1.1\r\n\r\n", "GET /?a=%zz HTTP/1.1\r\n\r\n",
                     "GET /\té HTTP/1.1\r\n\r\n", "GET /é HTTP/1.1\r\n\r\n", "GET /\0 HTTP/1.1\r\n\r\n"] {
            #expect(status(line) == 400, "\(line.debugDescription)")
        }
        #expect(status("GET / HTTP/2.0\r\n\r\n") == 505)
    }

    @Test func badHeaderLinesAre400() throws {
        for field in ["Host 127.0.0.1", "Host : x", ": empty-name", "Bad Name: x", "X: a\u{1}b", "Na\u{e9}me: x",
                      " folded: line"] {
            #expect(status("GET / HTTP/1.1\r\nAccept: */*\r\n\(field)\r\n\r\n") == 400, "\(field.debugDescription)")
        }
        // obs-text in a value is allowed by RFC 9110 (decoded as UTF-8).
        #expect(try parse("GET / HTTP/1.1\r\nUser-Agent: caf\u{e9}\r\n\r\n").header("User-Agent") == "caf\u{e9}")
    }

    @Test func oversizedHeadsAndTooManyFieldsAre431() {
        let big = "GET / HTTP/1.1\r\nX-Padding: " + String(repeating: "a", count: HTTPRequestHead.maximumSize) + "\r\n\r\n"
        #expect(status(big) == 431)
        let many = "GET / HTTP/1.1\r\n" + (0...HTTPRequestHead.maximumFields).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
        #expect(status(many) == 431)
    }

    @Test func bodiesAreDetected() throws {
        #expect(try parse("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").hasBody)
        #expect(try parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n").hasBody)
        #expect(try !parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").hasBody)
    }

    @Test func theEndOfAHeadIsFoundAcrossReads() {
        var scanner = HTTPRequestHead.EndScanner()
        var buffer = Array("GET / HTTP/1.1\r\nHost: x\r".utf8)
        #expect(scanner.headLength(in: buffer) == nil)
        buffer += Array("\n\r".utf8)
        #expect(scanner.headLength(in: buffer) == nil)
        buffer += Array("\nbody".utf8)
        #expect(scanner.headLength(in: buffer) == buffer.count - 4)
        var lf = HTTPRequestHead.EndScanner()
        #expect(lf.headLength(in: Array("GET / HTTP/1.0\n\nrest".utf8)) == 16)
    }

    @Test func percentDecodingRefusesBadEscapesAndBadUTF8() {
        #expect(HTTPRequestHead.percentDecoded("a%2Fb%20c") == "a/b c")
        #expect(HTTPRequestHead.percentDecoded("%e2%82%ac") == "€")
        for bad in ["%", "%4", "%g0", "%ff"] { #expect(HTTPRequestHead.percentDecoded(Substring(bad)) == nil) }
    }

    @Test func responsesAreSerializedWithLengthAndClose() {
        let response = HTTPResponse.text(401, "no\n", extraFields: [.init(name: "WWW-Authenticate", value: "Bearer realm=\"vigie\"")])
        let expected = "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\n"
            + "Cache-Control: no-store\r\nWWW-Authenticate: Bearer realm=\"vigie\"\r\nConnection: close\r\n\r\n"
        #expect(String(decoding: response.serialized(), as: UTF8.self) == expected + "no\n")
        #expect(String(decoding: response.serialized(includeBody: false), as: UTF8.self) == expected)
    }
}
