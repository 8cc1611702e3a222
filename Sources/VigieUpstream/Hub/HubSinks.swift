import Logging
import VigieCore
import VigieStore

/// Builds the hub sinks (`sensorthings:`, `ngsi_ld:`) from their configuration.
enum HubSinks {
    static func sensorThings(_ configuration: SensorThingsSinkConfiguration, name: SinkName, gateway: String,
                             statistics: [Statistic], outbox: Outbox, signal: OutboxSignal, logger: Logger,
                             backoff: Backoff.Configuration = .init()) -> HubSink {
        HubSink(name: name, open: { () throws(UpstreamError) in
            var headers: [String] = ["Accept: application/json"]
            if let tokenFile = configuration.tokenFile {
                headers.append("Authorization: Bearer \(try secret(tokenFile))")
            } else if let username = configuration.username, let passwordFile = configuration.passwordFile {
                headers.append("Authorization: Basic \(Base64.encode(Array("\(username):\(try secret(passwordFile))".utf8)))")
            }
            let connection = HubConnection(label: name.description, headers: headers, tls: configuration.tls, timeout: configuration.timeout)
            return SensorThingsExchange(configuration: configuration, gateway: gateway, statistics: statistics,
                                        connection: connection, identifiers: StoreHubIdentifiers(sink: name, outbox: outbox),
                                        logger: logger)
        }, outbox: StoreSinkOutbox(sink: name, outbox: outbox), signal: signal, batch: configuration.batch,
                backoff: backoff, logger: logger)
    }

    static func ngsiLD(_ configuration: NGSILDSinkConfiguration, name: SinkName, mapper: NGSILDMapper, outbox: Outbox,
                       signal: OutboxSignal, logger: Logger, backoff: Backoff.Configuration = .init()) -> HubSink {
        HubSink(name: name, open: { () throws(UpstreamError) in
            let token = try configuration.tokenFile.map { path throws(UpstreamError) in try secret(path) }
            let connection = HubConnection(label: name.description, headers: NGSILDExchange.headers(configuration, token: token),
                                           tls: configuration.tls, timeout: configuration.timeout)
            return NGSILDExchange(configuration: configuration, mapper: mapper, connection: connection, logger: logger)
        }, outbox: StoreSinkOutbox(sink: name, outbox: outbox), signal: signal, batch: configuration.batch,
                backoff: backoff, logger: logger)
    }

    private static func secret(_ path: String) throws(UpstreamError) -> String {
        switch CredentialFile.read(path) {
        case .success(let secret): return secret
        case .failure(let failure): throw UpstreamError(.credentials, failure.message)
        }
    }
}
