import ServiceLifecycle

/// A service that returns once `stopWhen` returns, so that its group shuts down gracefully
/// (as on SIGTERM); it also returns at once when the group shuts down for another reason.
struct StopTrigger: Service {
    let stopWhen: @Sendable () async -> Void

    func run() async throws {
        await cancelWhenGracefulShutdown { await stopWhen() }
    }
}
