import Foundation

/// A small HTTP server standing for the hub (python3), answering POSTs from a script of statuses.
///
/// `statuses` are answered in order, one per request; the last one repeats. Each request is
/// recorded as one JSON line `{"status":…,"auth":…,"type":…,"body":…}` in `requests.jsonl`.
/// With `tls`, it serves HTTPS with the server certificate and requires a client certificate
/// signed by the same CA.
package final class HTTPHub: @unchecked Sendable {
    package let port: Int
    private let scheme: String
    private let process: TestProcess
    private let recordPath: String

    package init(statuses: [Int], directory: TemporaryDirectory, tls: TestCertificates? = nil) throws {
        port = freeLoopbackPort()
        scheme = tls == nil ? "http" : "https"
        let environment = tls.map { ["HUB_CERT": $0.serverCert, "HUB_KEY": $0.serverKey, "HUB_CLIENT_CA": $0.caCert] } ?? [:]
        recordPath = directory.path("requests-\(port).jsonl")
        let scriptPath = directory.path("hub-\(port).py")
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        process = try TestProcess("/usr/bin/python3", [scriptPath, "\(port)", recordPath] + statuses.map(String.init),
                                  outputIn: directory.url, name: "hub-\(port)", environment: environment)
        guard waitForPort(port) else { throw TestFailure("the HTTP hub did not start: \(process.log)") }
    }

    package struct Request: Decodable {
        package var status: Int
        package var auth: String
        package var type: String
        package var body: String
    }

    package var requests: [Request] {
        guard let text = try? String(contentsOfFile: recordPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    package var url: String { "\(scheme)://127.0.0.1:\(port)/ingest" }

    package func stop() { process.stop() }

    private static let script = """
        import http.server, json, os, ssl, sys
        port, record, statuses = int(sys.argv[1]), sys.argv[2], [int(s) for s in sys.argv[3:]]
        class Hub(http.server.BaseHTTPRequestHandler):
            count = 0
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0))).decode()
                status = statuses[min(Hub.count, len(statuses) - 1)]
                Hub.count += 1
                with open(record, 'a') as f:
                    f.write(json.dumps({'status': status, 'auth': self.headers.get('Authorization', ''), 'type': self.headers.get('Content-Type', ''), 'body': body}) + '\\n')
                answer = b'{"error":"schema mismatch in record 3"}' if 400 <= status < 500 else b'ok'
                self.send_response(status)
                self.send_header('Content-Length', str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)
            def log_message(self, *args): pass
        server = http.server.HTTPServer(('127.0.0.1', port), Hub)
        if os.environ.get('HUB_CERT'):
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(os.environ['HUB_CERT'], os.environ['HUB_KEY'])
            context.load_verify_locations(os.environ['HUB_CLIENT_CA'])
            context.verify_mode = ssl.CERT_REQUIRED
            server.socket = context.wrap_socket(server.socket, server_side=True)
        server.serve_forever()
        """
}
