import FoundationEssentials
import Logging
import Prometheus
import ServiceLifecycle
import VigieCore
import VigieMQTT
import VigieHTTP

/// The gateway's HTTP listener (`gateway.http`, default `127.0.0.1:9108`): status page, `/health`,
/// `/metrics`, `/api/...`. Served by `HTTPServer`, the project's own small HTTP/1.1 server over
/// Glibc sockets (no SwiftNIO, no Foundation) to keep the daemon small.
///
/// Safe by default: `init` refuses a non-loopback address unless `gateway.http_token_file` is set,
/// and then every request must carry `Authorization: Bearer <token>`. The token file may name a
/// systemd credential (`$CREDENTIALS_DIRECTORY/http-token`).
public final class StatusHTTPServer: Service, Sendable {
    private let server: HTTPServer
    private let endpoint: Endpoint
    private let logger: Logger

    /// Validates the listener's configuration (I/O: reads the token file) without binding yet.
    /// - Throws: `VigieDaemonError` `.httpConfiguration` for a public address without a token,
    ///   an unreadable or empty token file, or a host name that is not an IP address.
    public convenience init(endpoint: Endpoint, tokenFile: String?, environment: [String: String],
                            provider: some GatewayStatusProvider, registry: PrometheusCollectorRegistry,
                            startedAt: Int64, evaluator: HealthEvaluator = HealthEvaluator(),
                            logger: Logger) throws(VigieDaemonError) {
        try self.init(endpoint: endpoint, tokenFile: tokenFile, environment: environment, provider: provider,
                      registry: registry, startedAt: startedAt, evaluator: evaluator, limits: HTTPServer.Limits(),
                      logger: logger)
    }

    /// As the public initializer, with the server's limits (tests shorten the read timeout).
    init(endpoint: Endpoint, tokenFile: String?, environment: [String: String],
         provider: some GatewayStatusProvider, registry: PrometheusCollectorRegistry,
         startedAt: Int64, evaluator: HealthEvaluator, limits: HTTPServer.Limits, logger: Logger) throws(VigieDaemonError) {
        let token = try Self.loadToken(tokenFile, environment: environment)
        if token == nil && !endpoint.isLoopback {
            throw VigieDaemonError(.httpConfiguration,
                "gateway.http is \(endpoint), reachable from the network, but no gateway.http_token_file is set: "
                + "set one (requests then need 'Authorization: Bearer <token>') or listen on 127.0.0.1.")
        }
        let address = try HTTPSocketAddress(endpoint)
        let handler = GatewayHTTPHandler(provider: provider, registry: registry,
                                         processMetrics: ProcessMetrics(registry: registry, startedAt: startedAt),
                                         evaluator: evaluator, token: token)
        self.server = HTTPServer(address: address, limits: limits) { await handler.respond(to: $0) }
        self.endpoint = endpoint
        self.logger = logger
    }

    /// Convenience for the daemon: the endpoint and token file of `gateway`; nil when `http: off`.
    public convenience init?(gateway: GatewayConfiguration, environment: [String: String],
                             provider: some GatewayStatusProvider, registry: PrometheusCollectorRegistry,
                             startedAt: Int64, logger: Logger) throws(VigieDaemonError) {
        guard let endpoint = gateway.http else { return nil }
        try self.init(endpoint: endpoint, tokenFile: gateway.httpTokenFile, environment: environment,
                      provider: provider, registry: registry, startedAt: startedAt, logger: logger)
    }

    /// Listens until graceful shutdown or cancellation. Throws if the address cannot be bound.
    public func run() async throws {
        do {
            try await server.run { [endpoint, logger] port in
                logger.info("HTTP listening", metadata: ["http.address": "\(Endpoint(host: endpoint.host, port: port))"])
            }
        } catch {
            logger.error("HTTP listener failed", metadata: ["http.address": "\(endpoint)", "error": "\(error)"])
            throw VigieDaemonError(.http, "Could not listen on \(endpoint) (\(error.message)): is another process using the port?")
        }
    }

    /// The bound port once listening (useful with port 0 in tests); nil if binding failed.
    public func listeningPort() async -> Int? {
        await server.listeningPort()
    }

    static func loadToken(_ file: String?, environment: [String: String]) throws(VigieDaemonError) -> String? {
        guard let file else { return nil }
        guard let path = CredentialPath.resolve(file, environment: environment) else {
            throw VigieDaemonError(.httpConfiguration,
                "gateway.http_token_file names $CREDENTIALS_DIRECTORY but it is not set: add LoadCredential= to the unit.")
        }
        switch CredentialFile.read(path) {
        case .success(let token):
            return token
        case .failure(let failure):
            throw VigieDaemonError(.httpConfiguration, "gateway.http_token_file: \(failure.message)")
        }
    }
}
