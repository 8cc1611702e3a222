import Foundation
import Logging
import Testing
import VigieCore
@testable import VigieMQTT

/// A CA and a server certificate for one IP address only, made by openssl in a temporary folder.
private struct TestCertificates {
    let directory: URL
    var ca: String { directory.appendingPathComponent("ca.pem").path }
    var serverCertificate: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }

    init(in directory: URL, serverAddress: String) throws {
        self.directory = directory
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=vigie-test-ca"], in: directory)
        try Self.openssl(["req"] + ec + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=\(serverAddress)"], in: directory)
        try "subjectAltName=IP:\(serverAddress)\n".write(to: directory.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
        try Self.openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                          "-out", "server.pem", "-days", "1", "-extfile", "ext.cnf"], in: directory)
        // mosquitto run as root drops to its own user, which must read this throw-away key.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: serverKey)
    }

    static func openssl(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BrokerError(message: "openssl \(arguments[0]) failed") }
    }
}

private func tlsBroker(certificateFor address: String) throws -> (TestBroker, TestCertificates) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-mqtt-tls-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let certificates = try TestCertificates(in: folder, serverAddress: address)
    let broker = try TestBroker(extraConfiguration: """
    cafile \(certificates.ca)
    certfile \(certificates.serverCertificate)
    keyfile \(certificates.serverKey)
    """)
    return (broker, certificates)
}

private func tlsClient(_ broker: TestBroker, host: String, ca: String, verifyHostname: Bool = true) throws -> MQTTClient {
    try MQTTClient(configuration: .init(host: host, port: broker.port, clientID: "tls-\(UUID().uuidString.prefix(8))",
                                        tls: TLSConfiguration(ca: ca, verifyHostname: verifyHostname),
                                        backoff: ReconnectBackoff(initial: .milliseconds(50), maximum: .milliseconds(200))),
                   logger: Logger(label: "test"))
}

@Test func tlsConnectsWhenTheCertificateNamesTheHostAndRefusesOtherwise() async throws {
    let (broker, certificates) = try tlsBroker(certificateFor: "127.0.0.1")
    defer { try? FileManager.default.removeItem(at: certificates.directory) }
    let good = try tlsClient(broker, host: "127.0.0.1", ca: certificates.ca)
    try good.subscribe("tls/#", qos: 1)
    try good.start()
    #expect(await eventually { good.connectionState == .connected })
    try await good.publish(topic: "tls/echo", payload: Array("over tls".utf8), qos: 1)
    var iterator = good.messages.makeAsyncIterator()
    #expect(await iterator.next()?.payload == Array("over tls".utf8))
    await good.shutdown()

    // This broker's certificate names 127.0.0.2, not the 127.0.0.1 dialled: verification (the default) refuses it.
    let (other, otherCertificates) = try tlsBroker(certificateFor: "127.0.0.2")
    defer { try? FileManager.default.removeItem(at: otherCertificates.directory) }
    let mismatch = try tlsClient(other, host: "127.0.0.1", ca: otherCertificates.ca)
    var states: [MQTTConnectionState] = []
    try mismatch.start()
    for await state in mismatch.connectionStates {
        states.append(state)
        if states.filter({ if case .disconnected = $0 { true } else { false } }).count >= 2 { break }
    }
    await mismatch.shutdown()
    #expect(!states.contains(.connected))

    // Verification off (a lab set-up): the same broker and address connect.
    let lax = try tlsClient(other, host: "127.0.0.1", ca: otherCertificates.ca, verifyHostname: false)
    try lax.start()
    #expect(await eventually { lax.connectionState == .connected })
    await lax.shutdown()
}
