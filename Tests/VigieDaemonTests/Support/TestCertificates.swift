import Foundation

/// A CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl.
struct TestCertificates {
    let caCert: String
    let serverCert: String
    let serverKey: String
    let clientCert: String
    let clientKey: String

    /// Generates everything in `directory` under `prefix` (a second call with another prefix gives an unrelated CA).
    init(in directory: TemporaryDirectory, prefix: String = "pki") throws {
        func path(_ name: String) -> String { directory.path("\(prefix)-\(name)") }
        caCert = path("ca.pem")
        serverCert = path("server.pem")
        serverKey = path("server.key")
        clientCert = path("client.pem")
        clientKey = path("client.key")
        let caKey = path("ca.key")
        let extensions = path("server.ext")
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=vigie test CA \(prefix)",
                          "-keyout", caKey, "-out", caCert])
        for (name, key, cert, ext) in [("127.0.0.1", serverKey, serverCert, Optional(extensions)),
                                        ("gateway", clientKey, clientCert, nil)] {
            let request = cert + ".csr"
            try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=\(name)", "-keyout", key, "-out", request])
            try Self.openssl(["x509", "-req", "-in", request, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial",
                              "-days", "2", "-out", cert] + (ext.map { ["-extfile", $0] } ?? []))
        }
        try makeReadable()
    }

    /// mosquitto (dropped to its own user) must read the keys: test keys only.
    private func makeReadable() throws {
        for file in [caCert, serverCert, serverKey, clientCert, clientKey] {
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
    }

    /// mosquitto listener lines requiring a client certificate signed by the CA.
    var brokerLines: [String] {
        ["cafile \(caCert)", "certfile \(serverCert)", "keyfile \(serverKey)", "require_certificate true",
         "use_identity_as_username true"]
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestFailure("openssl \(arguments.prefix(2)) failed") }
    }
}
