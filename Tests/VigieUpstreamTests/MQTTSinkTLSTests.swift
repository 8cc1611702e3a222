import Foundation
import Testing
import VigieCore
import VigieMQTT
@testable import VigieUpstream
import VigieTestKit

@Suite(.serialized) struct MQTTSinkTLSTests {
    let directory: TemporaryDirectory
    let pki: TestCertificates

    init() throws {
        directory = TemporaryDirectory()
        pki = try TestCertificates(in: directory)
    }

    @Test func aTLSHubRequiringClientCertificatesAcceptsTheGateway() async throws {
        let hub = try Mosquitto(extra: pki.brokerLines, directory: directory)
        let outbox = try await TestOutbox.open(sink: "mqtt:tls", directory: directory)
        try await outbox.append(0..<5)
        let tls = TLSConfiguration(ca: pki.caCert, cert: pki.clientCert, key: pki.clientKey)
        let sink = try MQTTSinkTests(directory: directory).makeSink(port: hub.port, outbox: outbox, tls: tls)

        let drained = try await run([sink]) { try await outbox.waiting().isEmpty }

        #expect(drained)
        #expect(sink.status.acknowledged == 5)
    }

    @Test func aHubWhoseCertificateIsNotSignedByTheConfiguredCAIsRefused() async throws {
        let other = try TestCertificates(in: directory, prefix: "other")
        let hub = try Mosquitto(extra: pki.brokerLines, directory: directory)
        let outbox = try await TestOutbox.open(sink: "mqtt:tls", directory: directory)
        try await outbox.append(0..<5)
        let tls = TLSConfiguration(ca: other.caCert, cert: pki.clientCert, key: pki.clientKey)
        let sink = try MQTTSinkTests(directory: directory).makeSink(port: hub.port, outbox: outbox, tls: tls,
                                                                        flushTimeout: .milliseconds(200))

        let failed = try await run([sink]) { sink.status.lastError != nil }

        #expect(failed)
        #expect(sink.status.connected == false)
        #expect(try await outbox.waiting().count == 5)
    }
}
