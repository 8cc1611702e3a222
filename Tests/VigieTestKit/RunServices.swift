import Logging
import ServiceLifecycle

/// Runs `services` in a service group until `condition` holds (or ~`seconds`), then shuts them
/// down gracefully and waits for them; returns whether the condition was reached.
package func run(_ services: [any Service], seconds: Double = 15,
         until condition: @escaping () async throws -> Bool) async throws -> Bool {
    let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: .test)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let reached = try await eventually(seconds, condition)
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return reached
    }
}

/// Runs `services` while `body` runs, then shuts them down gracefully.
package func whileRunning<T: Sendable>(_ services: [any Service], _ body: () async throws -> T) async throws -> T {
    let group = ServiceGroup(services: services, gracefulShutdownSignals: [], logger: .test)
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            let result = try await body()
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            return result
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
    }
}

extension Logger {
    /// A logger for tests: warnings and worse only.
    package static let test: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()
}
