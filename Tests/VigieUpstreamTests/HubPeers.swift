import Foundation
import VigieTestKit

/// Runs Python scripts of the hub-sink tests in the peers' environment (`PythonPeers`, which pins
/// django-ogc-sensorthings and pysmartdatamodels in scripts/peers/requirements.txt).
enum HubPython {
    /// Runs `script` with the peers' python and `arguments`; returns its output.
    static func run(_ script: String, _ arguments: [String], in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("script-\(UUID().uuidString).py")
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        return try runTool(try PythonPeers.python(in: directory), [path] + arguments, in: directory)
    }
}

/// A real SensorThings API 1.1 server (django-ogc-sensorthings) on SQLite in `directory`; it can be
/// stopped and started again on the same data and port (an outage).
final class SensorThingsServer: @unchecked Sendable {
    let port = freeLoopbackPort()
    private let directory: TemporaryDirectory
    private let script: String
    private var process: TestProcess?

    init(directory: TemporaryDirectory) throws {
        self.directory = directory
        script = directory.path("sta_server.py")
        try Self.server.write(toFile: script, atomically: true, encoding: .utf8)
        try start()
    }

    var url: String { "http://127.0.0.1:\(port)/sensorthings/v1.1" }

    func start() throws {
        let process = try TestProcess(try PythonPeers.python(in: directory), [script, directory.path("sta-data"), "\(port)"],
                                      outputIn: directory.url, name: "sta-\(port)")
        self.process = process
        for _ in 0..<300 where !waitForPort(port) && process.isRunning {}
        guard waitForPort(port) else { throw TestFailure("the SensorThings server did not start: \(process.log.suffix(600))") }
    }

    func stop() { process?.stop() }

    /// Every Datastream by name with its Observations (`phenomenonTime`, `resultTime`, `result`, `parameters`).
    func observations() throws -> [String: [[String: Any]]] {
        let output = try HubPython.run(Self.dump, [url], in: directory)
        guard let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [[String: Any]]] else {
            throw TestFailure("the dump is not a mapping: \(output.prefix(300))")
        }
        return object
    }

    /// POSTs an Observation as another client would (for the "already held" case).
    func post(observation json: String, datastream name: String) throws {
        _ = try HubPython.run(Self.poster, [url, name, json], in: directory)
    }

    private static let server = #"""
        import os, sys
        from uuid import UUID
        import django
        from django.conf import settings
        data_dir, port = sys.argv[1], sys.argv[2]
        os.makedirs(data_dir, exist_ok=True)
        settings.configure(
            DEBUG=False, ALLOWED_HOSTS=['127.0.0.1'], SECRET_KEY='vigie-tests', ROOT_URLCONF=__name__,
            INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth', 'sensorthings.versions.v1_1',
                            'sensorthings.versions.v1_1.backends.django', 'sensorthings.versions.v1_1.extensions.dataarray'],
            DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': os.path.join(data_dir, 'sta.sqlite3')}},
            USE_TZ=True, SENSORTHINGS_V1_1_SERVICE_URL=f'http://127.0.0.1:{port}/sensorthings',
            SENSORTHINGS_V1_1_BACKEND_ADAPTER='sensorthings.versions.v1_1.backends.django.adapter.DjangoBackendAdapter',
            SENSORTHINGS_V1_1_ID_TYPE=UUID, SENSORTHINGS_V1_1_ID_DELIMITER="'")
        django.setup()
        from django.urls import include, path
        urlpatterns = [path('sensorthings/', include('sensorthings.versions.v1_1.urls'))]
        from django.core.management import call_command
        call_command('migrate', verbosity=0)
        call_command('runserver', f'127.0.0.1:{port}', use_reloader=False, use_threading=True)
        """#

    private static let dump = #"""
        import json, sys, urllib.request
        base = sys.argv[1]
        def get(url):
            # django-ogc-sensorthings 1.2.0 repeats one entity across a page boundary: keep one per id
            # (two Observations stored twice have two ids, and are both kept).
            out, seen = [], set()
            while url:
                d = json.load(urllib.request.urlopen(url.replace(' ', '%20'))); url = d.get('@iot.nextLink')
                for e in d.get('value', []):
                    if e['@iot.id'] not in seen: seen.add(e['@iot.id']); out.append(e)
            return out
        print(json.dumps({ds['name']: get(base + f"/Datastreams('{ds['@iot.id']}')/Observations?$top=100&$orderby=id%20asc") for ds in get(base + '/Datastreams')}))
        """#

    private static let poster = #"""
        import json, sys, urllib.request, urllib.parse
        base, name, body = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
        q = urllib.parse.quote(f"name eq '{name}'")
        ds = json.load(urllib.request.urlopen(base + f"/Datastreams?$filter={q}"))['value'][0]['@iot.id']
        body['Datastream'] = {'@iot.id': ds}
        r = urllib.request.Request(base + '/Observations', data=json.dumps(body).encode(), headers={'Content-Type': 'application/json'})
        urllib.request.urlopen(r)
        """#
}

/// Stands for an NGSI-LD broker on the wire only: records every request (method, path, headers,
/// JSON body) to `requests.jsonl`, answers the first `failures` requests with 503, then 201/204;
/// for a GET of a temporal entity it answers the instances it was sent (or 404), so the sink's
/// "what do you hold" question gets a true answer. Not a broker: no query language, no JSON-LD.
final class NGSILDRecorder: @unchecked Sendable {
    let port = freeLoopbackPort()
    let record: String
    private let directory: TemporaryDirectory
    private let process: TestProcess

    /// `failures`: how many first requests get 503. `refusing`: POSTs naming this text get 400.
    init(directory: TemporaryDirectory, failures: Int = 0, refusing: String = "<nothing is refused>") throws {
        self.directory = directory
        record = directory.path("ngsi-\(port).jsonl")
        let script = directory.path("ngsi_recorder.py")
        try Self.script.write(toFile: script, atomically: true, encoding: .utf8)
        process = try TestProcess("/usr/bin/python3", [script, "\(port)", record, "\(failures)", refusing], outputIn: directory.url,
                                  name: "ngsi-\(port)")
        guard waitForPort(port) else { throw TestFailure("the NGSI-LD recorder did not start: \(process.log)") }
    }

    var url: String { "http://127.0.0.1:\(port)" }

    func stop() { process.stop() }

    /// The problems pysmartdatamodels finds in what was stored: entity types that are no Smart Data
    /// Model, attribute names not in their model, Properties without `observedAt` in UTC.
    func modelProblems() throws -> [String] {
        try HubPython.run(Self.checker, [record], in: directory).split(separator: "\n").map(String.init)
    }

    private static let script = #"""
        import json, sys, collections
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        port, out, failures, refusing = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
        held = collections.defaultdict(list)  # entity id -> instances (attribute, observedAt)
        count = [0]
        class Handler(BaseHTTPRequestHandler):
            def answer(self, code, body=None):
                raw = json.dumps(body).encode() if body is not None else b''
                self.send_response(code)
                self.send_header('Content-Length', str(len(raw)))
                if raw: self.send_header('Content-Type', 'application/json')
                self.end_headers()
                self.wfile.write(raw)
            def handle_any(self):
                n = int(self.headers.get('Content-Length') or 0)
                body = json.loads(self.rfile.read(n)) if n else None
                count[0] += 1
                status = 503 if count[0] <= failures else (400 if self.command == 'POST' and refusing in json.dumps(body) else None)
                with open(out, 'a') as f:
                    f.write(json.dumps({'method': self.command, 'path': self.path, 'headers': dict(self.headers.items()), 'body': body, 'status': status or 0}) + '\n')
                if status == 503: return self.answer(503, {'type': 'https://uri.etsi.org/ngsi-ld/errors/InternalError', 'title': 'unavailable'})
                if status == 400: return self.answer(400, {'type': 'https://uri.etsi.org/ngsi-ld/errors/BadRequestData', 'title': 'attribute not allowed'})
                if self.command == 'POST' and self.path == '/ngsi-ld/v1/temporal/entities':
                    for k, v in body.items():
                        if k in ('id', 'type', '@context'): continue
                        for inst in (v if isinstance(v, list) else [v]): held[body['id']].append((k, inst))
                    return self.answer(201)
                if self.command == 'GET' and self.path.startswith('/ngsi-ld/v1/temporal/entities/'):
                    from urllib.parse import unquote, urlparse, parse_qs
                    u = urlparse(self.path); eid = unquote(u.path.rsplit('/', 1)[1]); attr = parse_qs(u.query).get('attrs', [''])[0]
                    if eid not in held: return self.answer(404, {'type': 'https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound', 'title': 'not found'})
                    return self.answer(200, {'id': eid, attr: [i for a, i in held[eid] if a == attr]})
                self.answer(204 if self.command != 'GET' else 404)
            do_POST = do_GET = do_PATCH = handle_any
            def log_message(self, *a): pass
        ThreadingHTTPServer(('127.0.0.1', port), Handler).serve_forever()
        """#

    private static let checker = #"""
        import json, sys
        import pysmartdatamodels as sdm
        known = {}
        def attributes(t):
            if t not in known:
                subjects = sdm.subject_for_datamodel(t) or []
                known[t] = set(a for s in subjects for a in (sdm.attributes_datamodel(s, t) or []))
            return known[t]
        for line in open(sys.argv[1]):
            r = json.loads(line)
            if r['method'] != 'POST' or r['status']: continue
            for e in (r['body'] if isinstance(r['body'], list) else [r['body']]):
                names = attributes(e['type'])
                if not names: print(f"type {e['type']} is not a Smart Data Model"); continue
                for k, v in e.items():
                    if k in ('id', 'type'): continue
                    if k not in names: print(f"{e['type']}.{k} is not in the model")
                    for inst in (v if isinstance(v, list) else [v]):
                        if inst.get('type') == 'Property' and not str(inst.get('observedAt', '')).endswith('Z'): print(f"{e['type']}.{k} without observedAt in UTC")
        """#
}
