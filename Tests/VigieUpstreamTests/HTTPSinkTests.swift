import Foundation
import Logging
import MetricsTestKit
import ServiceLifecycle
import Testing
import VigieCore
import VigieStore
import VigieMQTT
@testable import VigieUpstream
import VigieTestKit

@Suite struct HTTPSinkTests {
    let directory: TemporaryDirectory

    init() throws { directory = TemporaryDirectory() }

    private func makeSink(_ hub: HTTPHub, outbox: TestOutbox, batch: Int, format: UpstreamFormat = .json,
                          tls: TLSConfiguration? = nil, renderer: PublicationRenderer? = nil,
                          signal: OutboxSignal = OutboxSignal(), metrics: TestMetrics = TestMetrics()) throws -> HTTPSink {
        let tokenFile = directory.path("token")
        try "secret-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        return HTTPSink(name: outbox.sink,
                        configuration: HTTPSinkConfiguration(url: hub.url, tokenFile: tokenFile, tls: tls, format: format,
                                                             batch: batch, timeout: .seconds(5)),
                        outbox: StoreSinkOutbox(sink: outbox.sink, outbox: outbox.store.outbox, renderer: renderer), signal: signal,
                        backoff: Backoff.Configuration(initial: .milliseconds(50), maximum: .milliseconds(200)), logger: .test,
                        metricsFactory: metrics)
    }

    /// libcurl is loaded at run time with its options declared by vigie: the TLS ones must reach it.
    @Test func anHTTPSHubIsReachedWithTheConfiguredCAAndClientCertificate() async throws {
        let certificates = try TestCertificates(in: directory)
        let hub = try HTTPHub(statuses: [200], directory: directory, tls: certificates)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        try await outbox.append(0..<2)
        let tls = TLSConfiguration(ca: certificates.caCert, cert: certificates.clientCert, key: certificates.clientKey)
        let sink = try makeSink(hub, outbox: outbox, batch: 10, tls: tls)

        let drained = try await run([sink]) { try await outbox.waiting().isEmpty }

        #expect(drained, "\(sink.status)")
        #expect(hub.url.hasPrefix("https://"))
        #expect(hub.requests.map(\.body) == [#"[{"n":0},{"n":1}]"#])
    }

    @Test func aHubWhoseCertificateTheCADidNotSignGetsNothing() async throws {
        let hubCertificates = try TestCertificates(in: directory, prefix: "hub")
        let otherCA = try TestCertificates(in: directory, prefix: "other")
        let hub = try HTTPHub(statuses: [200], directory: directory, tls: hubCertificates)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        try await outbox.append(0..<2)
        let tls = TLSConfiguration(ca: otherCA.caCert, cert: hubCertificates.clientCert, key: hubCertificates.clientKey)
        let sink = try makeSink(hub, outbox: outbox, batch: 10, tls: tls)

        let refused = try await run([sink]) { sink.status.lastError != nil }

        #expect(refused)
        #expect(sink.status.lastError?.contains("certificate") == true || sink.status.lastError?.contains("SSL") == true,
                "\(sink.status.lastError ?? "")")
        #expect(hub.requests.isEmpty)
        #expect(try await outbox.waiting().count == 2, "nothing acknowledged")
    }

    @Test func aServerErrorIsRetriedAndTheBatchAcknowledgedOnSuccess() async throws {
        let hub = try HTTPHub(statuses: [500, 200], directory: directory)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        try await outbox.append(0..<3)
        let metrics = TestMetrics()
        let sink = try makeSink(hub, outbox: outbox, batch: 10, metrics: metrics)

        let drained = try await run([sink]) { try await outbox.waiting().isEmpty }

        #expect(drained)
        let requests = hub.requests
        #expect(requests.map(\.status) == [500, 200])
        #expect(requests.allSatisfy { $0.auth == "Bearer secret-token" })
        #expect(requests[0].body == requests[1].body)
        #expect(requests[1].body == #"[{"n":0},{"n":1},{"n":2}]"#)
        #expect(requests[1].type == "application/json")
        #expect(sink.status.acknowledged == 3)
        let labels = [("sink", "http:hub")]
        #expect(try metrics.expectCounter("vigie_upstream_messages_sent_total", labels).totalValue == 6)
        #expect(try metrics.expectCounter("vigie_upstream_messages_retried_total", labels).totalValue == 3)
        #expect(try metrics.expectCounter("vigie_upstream_messages_acked_total", labels).totalValue == 3)
    }

    @Test func aRefusedBatchIsParkedCountedAndTheNextOneDelivered() async throws {
        let hub = try HTTPHub(statuses: [400, 200], directory: directory)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        try await outbox.append(0..<4)
        let metrics = TestMetrics()
        let sink = try makeSink(hub, outbox: outbox, batch: 2, metrics: metrics)

        let drained = try await run([sink]) { try await outbox.waiting().isEmpty }

        #expect(drained)
        let requests = hub.requests
        #expect(requests.map(\.status) == [400, 200])
        #expect(requests[0].body == #"[{"n":0},{"n":1}]"#)
        #expect(requests[1].body == #"[{"n":2},{"n":3}]"#)
        #expect(sink.status.parked == 2)
        #expect(sink.status.acknowledged == 2)
        #expect(sink.status.lastRefusal?.contains("schema mismatch") == true)
        #expect(try metrics.expectCounter("vigie_upstream_messages_parked_total", [("sink", "http:hub")]).totalValue == 2)
    }

    @Test func senMLAggregatePacksArePostedAsOneSenMLArray() async throws {
        let hub = try HTTPHub(statuses: [200], directory: directory)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        try await outbox.append(payloads: [#"[{"bn":"urn:dev:gw:meter:","bt":1700000000,"seq":1},{"n":"v","v":230.1}]"#,
                                           #" [ {"bn":"urn:dev:gw:pump:","bt":1700000000,"seq":2} ] "#])
        let sink = try makeSink(hub, outbox: outbox, batch: 10, format: .senml)

        let drained = try await run([sink]) { try await outbox.waiting().isEmpty }

        #expect(drained)
        #expect(hub.requests.first?.type == "application/senml+json")
        #expect(hub.requests.first?.body
            == #"[{"bn":"urn:dev:gw:meter:","bt":1700000000,"seq":1},{"n":"v","v":230.1},{"bn":"urn:dev:gw:pump:","bt":1700000000,"seq":2}]"#)
    }

    @Test func rawReadingsAndAggregatesShareOneSenMLArray() async throws {
        let hub = try HTTPHub(statuses: [200], directory: directory)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        try await outbox.appendStoredAggregates(0..<1)
        let pack = ReadingsPack(device: "meter", entries: [.init(point: "power", unit: "W", time: 1_700_000_000_000, value: 1_830,
                                                                 quality: .good)])
        _ = try await outbox.store.outbox.append([OutboxMessage(
            sink: outbox.sink, kind: .readings, device: "meter", storageText: Array(UpstreamMessage.readings(pack).storageText.utf8),
            createdMilliseconds: 1_700_000_000_000)])
        let renderer = PublicationRenderer(template: try TopicTemplate(parsing: PublicationRenderer.defaultTemplate),
                                           format: .senml, statistics: [.mean], gateway: "gw")
        let sink = try makeSink(hub, outbox: outbox, batch: 10, format: .senml, renderer: renderer)

        let drained = try await run([sink]) { try await outbox.waiting().isEmpty }

        #expect(drained)
        #expect(hub.requests.first?.type == "application/senml+json")
        let body = hub.requests.first?.body ?? ""
        #expect(body.hasPrefix(#"[{"bn":"#) && body.contains(#""n":"window""#)
            && body.contains(#"{"bn":"gw:meter:","bt":1700000000,"n":"readings","v":1,"seq":2},{"n":"power","u":"W","t":0,"v":1830}]"#),
            "\(body)")
    }

    @Test func aGracefulShutdownPostsWhatWasQueuedJustBefore() async throws {
        let hub = try HTTPHub(statuses: [200], directory: directory)
        defer { hub.stop() }
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        let sink = try makeSink(hub, outbox: outbox, batch: 2)

        try await whileRunning([sink]) {
            try await Task.sleep(for: .milliseconds(100))
            try await outbox.append(0..<5)
        }

        #expect(try await outbox.waiting().isEmpty)
        #expect(hub.requests.count == 3)
    }

    @Test func anUnreachableHubKeepsTheBatchUntilItAnswers() async throws {
        let outbox = try await TestOutbox.open(sink: "http:hub", directory: directory)
        try await outbox.append(0..<2)
        let port = freeLoopbackPort()
        let sink = HTTPSink(name: outbox.sink,
                            configuration: HTTPSinkConfiguration(url: "http://127.0.0.1:\(port)/ingest", batch: 10),
                            outbox: outbox.view, signal: OutboxSignal(),
                            backoff: Backoff.Configuration(initial: .milliseconds(50), maximum: .milliseconds(100)), logger: .test)

        let failed = try await run([sink]) { sink.status.lastError != nil }

        #expect(failed)
        #expect(sink.status.connected == false)
        #expect(try await outbox.waiting().count == 2)
    }
}
