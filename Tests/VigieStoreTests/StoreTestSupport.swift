import Foundation
import Logging
import Metrics
import Testing
import VigieCore
@testable import VigieStore
import VigieTestKit

let testLogger = Logger(label: "vigie.store.test")

/// The clock tests run at: a day after the start of `series`, so retention keeps their readings.
let testNow: Int64 = 1_764_086_400_000

/// Opens a store, runs its writer while `body` runs, then shuts the writer down (it drains and closes).
func withRunningStore<T>(_ configuration: StoreConfiguration, now: @escaping @Sendable () -> Int64 = { testNow },
                         maintenanceInterval: Duration = .seconds(1), metrics: any MetricsFactory = NOOPMetricsHandler.instance,
                         _ body: (ReadingStore) async throws -> T) async throws -> T {
    let store = try await ReadingStore.open(configuration, logger: testLogger, metrics: metrics, now: now,
                                            maintenanceInterval: maintenanceInterval)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await store.writer.run() }
        do {
            let result = try await body(store)
            group.cancelAll()
            try await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// All stored readings, in export order.
func storedReadings(_ directory: String, glob: String? = nil, from: Int64? = nil, to: Int64? = nil) throws -> [Reading] {
    var result: [Reading] = []
    try ReadingQuery(dataDirectory: directory).readings(matching: glob, from: from, to: to) { result.append($0) }
    return result
}

func series(_ name: String, count: Int, start: Int64 = 1_764_000_000_000, step: Int64 = 1_000,
            value: (Int) -> Double = { Double($0) }) -> [Reading] {
    let sensor = SensorID(name)!
    return (0..<count).map { Reading(sensor: sensor, time: start + Int64($0) * step, value: value($0)) }
}
