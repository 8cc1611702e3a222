import FlyingFox
import FlyingSocks
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import VigieCore

/// The gateway's HTTP listener (`gateway.http`, default `127.0.0.1:9108`): status page, `/health`,
/// `/metrics`, `/api/...`. Served by FlyingFox (no SwiftNIO) to keep the daemon small.
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
    public init(endpoint: Endpoint, tokenFile: String?, environment: [String: String],
                provider: some GatewayStatusProvider, registry: PrometheusCollectorRegistry,
                startedAt: Int64, evaluator: HealthEvaluator = HealthEvaluator(), logger: Logger) throws(VigieDaemonError) {
        let token = try Self.loadToken(tokenFile, environment: environment)
        if token == nil && !endpoint.isLoopback {
            throw VigieDaemonError(.httpConfiguration,
                "gateway.http is \(endpoint), reachable from the network, but no gateway.http_token_file is set: "
                + "set one (requests then need 'Authorization: Bearer <token>') or listen on 127.0.0.1.")
        }
        let address = try Self.socketAddress(endpoint)
        let handler = GatewayHTTPHandler(provider: provider, registry: registry,
                                         processMetrics: ProcessMetrics(registry: registry, startedAt: startedAt),
                                         evaluator: evaluator, token: token)
        self.server = Self.makeServer(address, handler)
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
        logger.info("HTTP listening", metadata: ["http.address": "\(endpoint)"])
        do {
            try await cancelWhenGracefulShutdown { try await self.server.run() }
        } catch is CancellationError {
            // Graceful shutdown.
        } catch {
            // FlyingFox reports the listener closed by the shutdown as `disconnected`, not as a cancellation.
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            logger.error("HTTP listener failed", metadata: ["http.address": "\(endpoint)", "error": "\(error)"])
            throw VigieDaemonError(.http, "Could not listen on \(endpoint) (\(error)): is another process using the port?")
        }
    }

    /// The bound port once listening (useful with port 0 in tests).
    public func listeningPort() async throws -> Int? {
        try await server.waitUntilListening(timeout: 10)
        guard case .ip4(_, let port)? = await server.listeningAddress else {
            if case .ip6(_, let port)? = await server.listeningAddress { return Int(port) }
            return nil
        }
        return Int(port)
    }

    static func loadToken(_ file: String?, environment: [String: String]) throws(VigieDaemonError) -> String? {
        guard let file else { return nil }
        guard let path = CredentialPath.resolve(file, environment: environment) else {
            throw VigieDaemonError(.httpConfiguration,
                "gateway.http_token_file names $CREDENTIALS_DIRECTORY but it is not set: add LoadCredential= to the unit.")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw VigieDaemonError(.httpConfiguration, "Cannot read gateway.http_token_file \(path): check it exists and is readable by vigie.")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty, !token.contains(where: \.isNewline) else {
            throw VigieDaemonError(.httpConfiguration, "gateway.http_token_file \(path) must hold one non-empty line.")
        }
        return token
    }

    private static func makeServer(_ address: some SocketAddress, _ handler: GatewayHTTPHandler) -> HTTPServer {
        HTTPServer(address: address, timeout: 15, logger: .disabled, handler: handler)
    }

    /// The typed socket address (FlyingFox takes the family from the address type).
    static func socketAddress(_ endpoint: Endpoint) throws(VigieDaemonError) -> any SocketAddress {
        guard (0...65535).contains(endpoint.port) else {
            throw VigieDaemonError(.httpConfiguration, "gateway.http port \(endpoint.port) is out of range.")
        }
        let port = UInt16(endpoint.port)
        let host = endpoint.host == "localhost" ? "127.0.0.1" : endpoint.host
        do {
            if host.contains(":") { return try sockaddr_in6.inet6(ip6: host, port: port) }
            return try sockaddr_in.inet(ip4: host, port: port)
        } catch {
            throw VigieDaemonError(.httpConfiguration, "gateway.http host '\(endpoint.host)' must be an IP address (e.g. 127.0.0.1 or ::1).")
        }
    }
}
