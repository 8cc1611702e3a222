import CoreMetrics
import Prometheus
import VigieHTTP

/// Sets up swift-metrics for the `vigie` executable, with swift-prometheus as the backend.
public enum VigieMetrics {
    /// Bootstraps `MetricsSystem` with a Prometheus factory and returns its registry, to hand to
    /// `StatusHTTPServer` for `/metrics`. Call once, at start-up, before components create metrics.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
