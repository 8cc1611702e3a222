import ServiceLifecycle

/// Several services run as one: they start together and the bundle returns when all have.
///
/// Used for the upstream sinks, which a reload replaces together (they share the outbox signals).
struct ServiceBundle: Service {
    let services: [any Service]

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for service in services {
                group.addTask { try await service.run() }
            }
        }
    }
}
