import Synchronization
import VigieCore

/// An in-memory `ReadingSink` for tests: keeps every reading submitted.
final class CollectingSink: ReadingSink {
    private let readings = Mutex<[Reading]>([])

    func submit(_ batch: [Reading]) async {
        readings.withLock { $0.append(contentsOf: batch) }
    }

    var all: [Reading] { readings.withLock { $0 } }
    var count: Int { readings.withLock { $0.count } }
}
