import Foundation

/// A CA, a server certificate (for 127.0.0.1 and localhost unless told) and a client certificate, made with openssl.
package struct TestCertificates: Sendable {
    package let caCert: String
    package let serverCert: String
    package let serverKey: String
    package let clientCert: String
    package let clientKey: String

    /// Generates everything in `directory` under `prefix` (a second call with another prefix gives an unrelated CA);
    /// the server certificate names `serverNames` (IPv4 addresses or host names; the first is
    /// also its common name) and no other host.
    package init(in directory: TemporaryDirectory, prefix: String = "pki",
                 serverNames: [String] = ["127.0.0.1", "localhost"]) throws {
        func path(_ name: String) -> String { directory.path("\(prefix)-\(name)") }
        caCert = path("ca.pem")
        serverCert = path("server.pem")
        serverKey = path("server.key")
        clientCert = path("client.pem")
        clientKey = path("client.key")
        let caKey = path("ca.key")
        let extensions = path("server.ext")
        let alternativeNames = serverNames.map { $0.allSatisfy { $0 == "." || $0.isNumber } ? "IP:\($0)" : "DNS:\($0)" }
        try "subjectAltName=\(alternativeNames.joined(separator: ","))\n".write(toFile: extensions, atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=vigie test CA \(prefix)",
                          "-keyout", caKey, "-out", caCert])
        for (name, key, cert, ext) in [(serverNames[0], serverKey, serverCert, Optional(extensions)),
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
    package var brokerLines: [String] {
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
