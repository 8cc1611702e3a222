import Metrics

/// The writer's metric objects, created once.
struct StoreMetrics: Sendable {
    let commits = Counter(label: "vigie_store_commits_total")
    let readingsCommitted = Counter(label: "vigie_store_readings_committed_total")
    let commitDuration = Timer(label: "vigie_store_commit_duration_seconds")
    let queueDepth = Gauge(label: "vigie_store_queue_depth_readings")
    let droppedFull = Counter(label: "vigie_store_readings_dropped_total", dimensions: [("reason", "full")])
    let droppedError = Counter(label: "vigie_store_readings_dropped_total", dimensions: [("reason", "error")])
    let droppedClosed = Counter(label: "vigie_store_readings_dropped_total", dimensions: [("reason", "closed")])
    let expired = Counter(label: "vigie_store_readings_expired_total")
    let evicted = Counter(label: "vigie_store_readings_evicted_total", dimensions: [("reason", "budget")])
    let messagesDropped = Counter(label: "vigie_store_outbox_dropped_total", dimensions: [("reason", "budget")])
    let commitErrors = Counter(label: "vigie_store_errors_total", dimensions: [("error", "commit")])
    let maintenanceErrors = Counter(label: "vigie_store_errors_total", dimensions: [("error", "maintenance")])
}
