import Synchronization
import VigieCore

/// An in-memory `ReadingSink` for tests: keeps every reading submitted.
package final class CollectingSink: ReadingSink {
    private let readings = Mutex<[Reading]>([])

    package init() {}

    package func submit(_ batch: [Reading]) async {
        readings.withLock { $0.append(contentsOf: batch) }
    }

    package var all: [Reading] { readings.withLock { $0 } }
    package var count: Int { readings.withLock { $0.count } }

    /// Waits (up to a generous safety deadline, not a timing assertion) until `condition` holds.
    package func wait(until condition: ([Reading]) -> Bool) async -> Bool {
        await eventually { condition(all) }
    }
}
