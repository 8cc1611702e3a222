import Metrics

/// The writer's metric objects, created once from one factory (the global one in the daemon).
struct StoreMetrics: Sendable {
    let commits: Counter
    let readingsCommitted: Counter
    let commitDuration: Timer
    let queueDepth: Gauge
    let droppedFull: Counter
    let droppedError: Counter
    let droppedClosed: Counter
    let expired: Counter
    let readingsFolded: Counter
    let evicted: Counter
    let messagesDropped: Counter
    let messagesCompacted: Counter
    let commitErrors: Counter
    let maintenanceErrors: Counter

    init(factory: any MetricsFactory) {
        func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
            Counter(label: label, dimensions: dimensions, factory: factory)
        }
        commits = counter("vigie_store_commits_total")
        readingsCommitted = counter("vigie_store_readings_committed_total")
        commitDuration = Timer(label: "vigie_store_commit_duration_seconds", dimensions: [], factory: factory)
        queueDepth = Gauge(label: "vigie_store_queue_depth_readings", dimensions: [], factory: factory)
        droppedFull = counter("vigie_store_readings_dropped_total", [("reason", "full")])
        droppedError = counter("vigie_store_readings_dropped_total", [("reason", "error")])
        droppedClosed = counter("vigie_store_readings_dropped_total", [("reason", "closed")])
        expired = counter("vigie_store_readings_expired_total")
        readingsFolded = counter("vigie_store_readings_folded_total")
        evicted = counter("vigie_store_readings_evicted_total", [("reason", "budget")])
        messagesDropped = counter("vigie_store_outbox_dropped_total", [("reason", "budget")])
        messagesCompacted = counter("vigie_store_outbox_compacted_total")
        commitErrors = counter("vigie_store_errors_total", [("error", "commit")])
        maintenanceErrors = counter("vigie_store_errors_total", [("error", "maintenance")])
    }
}
