import Foundation
import Logging
import Testing
import VigieCore
@testable import VigieMQTT
import VigieTestKit

/// A TLS-only broker whose certificate names `address` and no other host.
private func tlsBroker(certificateFor address: String) throws -> (Mosquitto, TestCertificates) {
    let directory = TemporaryDirectory()
    let certificates = try TestCertificates(in: directory, serverNames: [address])
    let broker = try Mosquitto(extra: ["cafile \(certificates.caCert)", "certfile \(certificates.serverCert)",
                                       "keyfile \(certificates.serverKey)"], directory: directory)
    return (broker, certificates)
}

private func tlsClient(_ broker: Mosquitto, host: String, ca: String, verifyHostname: Bool = true) throws -> MQTTClient {
    try MQTTClient(configuration: .init(host: host, port: broker.port, clientID: "tls-\(UUID().uuidString.prefix(8))",
                                        tls: TLSConfiguration(ca: ca, verifyHostname: verifyHostname),
                                        backoff: .init(initial: .milliseconds(50), maximum: .milliseconds(200), jitter: 0.5)),
                   logger: Logger(label: "test"))
}

@Test func tlsConnectsWhenTheCertificateNamesTheHostAndRefusesOtherwise() async throws {
    let (broker, certificates) = try tlsBroker(certificateFor: "127.0.0.1")
    let good = try tlsClient(broker, host: "127.0.0.1", ca: certificates.caCert)
    try good.subscribe("tls/#", qos: 1)
    try good.start()
    #expect(await eventually { good.connectionState == .connected })
    try await good.publish(topic: "tls/echo", payload: Array("over tls".utf8), qos: 1)
    var iterator = good.messages.makeAsyncIterator()
    #expect(await iterator.next()?.payload == Array("over tls".utf8))
    await good.shutdown()

    // This broker's certificate names 127.0.0.2, not the 127.0.0.1 dialled: verification (the default) refuses it.
    let (other, otherCertificates) = try tlsBroker(certificateFor: "127.0.0.2")
    let mismatch = try tlsClient(other, host: "127.0.0.1", ca: otherCertificates.caCert)
    var states: [MQTTConnectionState] = []
    try mismatch.start()
    for await state in mismatch.connectionStates {
        states.append(state)
        if states.filter({ if case .disconnected = $0 { true } else { false } }).count >= 2 { break }
    }
    await mismatch.shutdown()
    #expect(!states.contains(.connected))

    // Verification off (a lab set-up): the same broker and address connect.
    let lax = try tlsClient(other, host: "127.0.0.1", ca: otherCertificates.caCert, verifyHostname: false)
    try lax.start()
    #expect(await eventually { lax.connectionState == .connected })
    await lax.shutdown()
}
