import Logging
import Prometheus
import ServiceLifecycle
import Testing
import VigieCore
@testable import VigieDaemon
@testable import VigieHTTP
import VigieTestKit

/// The listener's own HTTP handling, over raw sockets: limits, bad requests, slow clients, shutdown.
@Suite struct HTTPServerTests {
    func makeServer(host: String = "127.0.0.1", readTimeout: Duration = .seconds(10),
                    maximumConnections: Int = 32) throws -> StatusHTTPServer {
        try StatusHTTPServer(endpoint: Endpoint(host: host, port: 0), tokenFile: nil, environment: [:],
                             provider: FakeStatusProvider(), registry: PrometheusCollectorRegistry(),
                             startedAt: FakeStatusProvider.now, evaluator: HealthEvaluator(),
                             limits: HTTPServer.Limits(readTimeout: readTimeout, maximumConnections: maximumConnections), logger: Logger(label: "test"))
    }

    /// Runs `server` while `body` runs with its port, then cancels it.
    func whileServing(_ server: StatusHTTPServer, _ body: (Int) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await server.run() }
            let port = try #require(await server.listeningPort())
            try await body(port)
            tasks.cancelAll()
        }
    }

    func statusLine(_ answer: String) -> Substring {
        answer.prefix { $0 != "\r\n" }
    }

    @Test func badRequestsGetTheirStatusCodes() async throws {
        try await whileServing(try makeServer()) { port in
            let padding = String(repeating: "a", count: 20_000)
            let cases: [(request: String, status: String)] = [
                ("GET /health HTTP/1.1\r\nX-Padding: \(padding)\r\n\r\n", "HTTP/1.1 431 Request Header Fields Too Large"),
                ("GET /health HTTP/1.1\r\nX-Padding: \(padding)", "HTTP/1.1 431 Request Header Fields Too Large"),
                ("GET /health\r\n\r\n", "HTTP/1.1 400 Bad Request"),
                ("GET /health HTTP/1.1\r\nno colon here\r\n\r\n", "HTTP/1.1 400 Bad Request"),
                ("GET /health HTTP/2.0\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported"),
                ("DELETE /health HTTP/1.1\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"),
                ("GET /health HTTP/1.1\r\nContent-Length: 4\r\n\r\nbody", "HTTP/1.1 413 Content Too Large"),
                ("GET /nope HTTP/1.0\n\n", "HTTP/1.1 404 Not Found"),
            ]
            for (request, status) in cases {
                let answer = try await RawHTTP.exchange(port: port, request)
                #expect(statusLine(answer) == status, "\(request.prefix(40).debugDescription)")
                #expect(answer.contains("Connection: close\r\n"))
            }
        }
    }

    @Test func headAnswersWithoutABody() async throws {
        try await whileServing(try makeServer()) { port in
            let get = try await RawHTTP.exchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await RawHTTP.exchange(port: port, "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")
            let getHead = try #require(get.components(separatedBy: "\r\n\r\n").first)
            #expect(statusLine(get) == "HTTP/1.1 200 OK" && get.hasSuffix("}"))
            #expect(head == getHead + "\r\n\r\n")
        }
    }

    @Test func aSilentClientDoesNotBlockOthersAndIsClosedAfterTheTimeout() async throws {
        try await whileServing(try makeServer(readTimeout: .milliseconds(500))) { port in
            let silent = try RawHTTP(port: port)
            let partial = try RawHTTP(port: port)
            partial.send("GET /health HTTP/1.1\r\nHost: x\r\n")
            let client = try StatusClient(url: "http://127.0.0.1:\(port)")
            for _ in 0..<3 { #expect(try await client.get("/health").status == 200) }
            #expect(statusLine(try #require(await silent.readToEnd())) == "HTTP/1.1 408 Request Timeout")
            #expect(statusLine(try #require(await partial.readToEnd())) == "HTTP/1.1 408 Request Timeout")
        }
    }

    @Test func clientsBeyondTheConnectionCapGet503() async throws {
        try await whileServing(try makeServer(maximumConnections: 1)) { port in
            var holder: RawHTTP? = try RawHTTP(port: port)
            holder?.send("GET /health HTTP/1.1\r\n")
            // The holder takes the only slot once accepted; ask until the cap shows.
            var answer = ""
            for _ in 0..<200 where !answer.hasPrefix("HTTP/1.1 503") {
                answer = try await RawHTTP.exchange(port: port, "GET /health HTTP/1.1\r\n\r\n")
            }
            #expect(statusLine(answer) == "HTTP/1.1 503 Service Unavailable")
            holder?.send("\r\n")
            #expect(statusLine(try #require(await holder?.readToEnd())) == "HTTP/1.1 200 OK")
            holder = nil
            // The slot is free once the server saw the holder close.
            for _ in 0..<200 where !answer.hasPrefix("HTTP/1.1 200") {
                answer = try await RawHTTP.exchange(port: port, "GET /health HTTP/1.1\r\n\r\n")
            }
            #expect(statusLine(answer) == "HTTP/1.1 200 OK")
        }
    }

    @Test func gracefulShutdownClosesWaitingConnectionsAndReturns() async throws {
        let server = try makeServer(readTimeout: .seconds(600))
        let silent = try await whileRunning([server]) {
            let port = try #require(await server.listeningPort())
            let silent = try RawHTTP(port: port)
            let client = try StatusClient(url: "http://127.0.0.1:\(port)")
            #expect(try await client.get("/health").status == 200)
            return silent
        }
        #expect(await silent.readToEnd() == "")
    }

    @Test func ipv6LoopbackIsServed() async throws {
        try await whileServing(try makeServer(host: "::1")) { port in
            let client = try StatusClient(url: "http://[::1]:\(port)")
            #expect(try await client.get("/health").status == 200)
            #expect(client.endpoint.description.contains("::1"))
        }
    }

    @Test func aBusyPortIsAClearError() async throws {
        let first = try makeServer()
        try await whileServing(first) { port in
            let second = try StatusHTTPServer(endpoint: Endpoint(host: "127.0.0.1", port: port), tokenFile: nil,
                                              environment: [:], provider: FakeStatusProvider(),
                                              registry: PrometheusCollectorRegistry(), startedAt: 0, logger: Logger(label: "test"))
            let error = await #expect(throws: VigieDaemonError.self) { try await second.run() }
            #expect(error?.message.contains("Could not listen on 127.0.0.1:\(port)") == true)
            #expect(error?.message.contains("in use") == true)
        }
    }

    @Test func theStatusClientSaysWhenNobodyListens() async throws {
        let client = try StatusClient(url: "http://127.0.0.1:1")
        let error = await #expect(throws: VigieDaemonError.self) { try await client.get("/health") }
        #expect(error?.message == "No answer from the gateway at http://127.0.0.1:1 "
                + "(GET http://127.0.0.1:1/health failed: Couldn't connect to server): "
                + "is vigie running, with gateway.http on that address?")
    }

    /// A peer that is not HTTP (here an SSH banner) gets an error, never a crash or a made-up status.
    @Test func theStatusClientRefusesAnAnswerThatIsNotHTTP() async throws {
        let directory = TemporaryDirectory()
        let port = freeLoopbackPort()
        let peer = try TestProcess("/usr/bin/socat", ["TCP-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork",
                                                      "SYSTEM:echo SSH-2.0-OpenSSH_9.2"], outputIn: directory.url, name: "socat")
        defer { peer.stop() }
        #expect(waitForPort(port), "\(peer.log)")
        let client = try StatusClient(url: "http://127.0.0.1:\(port)")
        let error = await #expect(throws: VigieDaemonError.self) { try await client.get("/health") }
        #expect(error?.message.hasPrefix("No answer from the gateway at http://127.0.0.1:\(port) (GET http://127.0.0.1:\(port)/health failed: ") == true,
                "\(error?.message ?? "")")
    }
}
