import Metrics
import VigieCore

/// The control channel's counters, created once.
///
/// `vigie_control_commands_total{status}`: commands answered, by outcome (`done`, `refused`, `failed`).
/// `vigie_control_commands_repeated_total`: commands whose id was seen before (answered again, not run).
/// `vigie_control_replay_messages_total`: messages a replay published.
struct CommandMetrics: Sendable {
    let done: Counter
    let refused: Counter
    let failed: Counter
    let repeated: Counter
    let replayed: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        done = Counter(label: "vigie_control_commands_total", dimensions: [("status", "done")], factory: factory)
        refused = Counter(label: "vigie_control_commands_total", dimensions: [("status", "refused")], factory: factory)
        failed = Counter(label: "vigie_control_commands_total", dimensions: [("status", "failed")], factory: factory)
        repeated = Counter(label: "vigie_control_commands_repeated_total", factory: factory)
        replayed = Counter(label: "vigie_control_replay_messages_total", factory: factory)
    }

    func count(_ status: CommandReply.Status) {
        switch status {
        case .done: done.increment()
        case .refused: refused.increment()
        case .failed: failed.increment()
        }
    }
}
