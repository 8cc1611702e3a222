import Logging
import ServiceLifecycle
import Synchronization
import Testing
@testable import VigieDaemon
import VigieTestKit

@Suite struct WatchdogServiceTests {
    @Test func pingsOnlyWhileThePipelineProgresses() async throws {
        let receiver = try DatagramReceiver()
        let moving = Mutex(true)
        let service = WatchdogService(notifier: SystemdNotifier(socketPath: receiver.path), interval: .seconds(5),
                                      progress: { moving.withLock { $0 } }, logger: Logger(label: "test"))
        var state = WatchdogService.TickState()
        #expect(await service.tick(&state))
        #expect(receiver.drain() == ["WATCHDOG=1"])
        moving.withLock { $0 = false } // the writer wedges
        #expect(await service.tick(&state) == false)
        #expect(await service.tick(&state) == false)
        #expect(receiver.drain().isEmpty)
        #expect(state.progressing == false)
        moving.withLock { $0 = true }
        #expect(await service.tick(&state))
        #expect(receiver.drain() == ["WATCHDOG=1"])
    }

    @Test func statusIsSentOnlyWhenItChanges() async throws {
        let receiver = try DatagramReceiver()
        let line = Mutex("1 device ok")
        let service = WatchdogService(notifier: SystemdNotifier(socketPath: receiver.path), interval: .seconds(5),
                                      progress: { true }, status: { line.withLock { $0 } }, logger: Logger(label: "test"))
        var state = WatchdogService.TickState()
        await service.tick(&state)
        await service.tick(&state)
        line.withLock { $0 = "1 device failing" }
        await service.tick(&state)
        #expect(receiver.drain() == ["WATCHDOG=1\nSTATUS=1 device ok", "WATCHDOG=1", "WATCHDOG=1\nSTATUS=1 device failing"])
    }

    @Test func runPingsRepeatedlyThenSaysStoppingOnGracefulShutdown() async throws {
        let receiver = try DatagramReceiver()
        let service = WatchdogService(notifier: SystemdNotifier(socketPath: receiver.path), interval: .milliseconds(10),
                                      progress: { true }, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [service], gracefulShutdownSignals: [], cancellationSignals: [],
                                 logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var pings = 0
            while pings < 3, let message = receiver.receive(timeoutMilliseconds: 10_000) {
                if message == "WATCHDOG=1" { pings += 1 }
            }
            #expect(pings == 3)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(receiver.drain().last == "STOPPING=1")
    }

    @Test func heartbeatGoesStaleWithoutBeats() {
        let start = ContinuousClock.now
        let heartbeat = ProgressHeartbeat(staleAfter: .seconds(30), now: start)
        #expect(heartbeat.isFresh(at: start.advanced(by: .seconds(29))))
        #expect(!heartbeat.isFresh(at: start.advanced(by: .seconds(31))))
        heartbeat.beat(at: start.advanced(by: .seconds(40)))
        #expect(heartbeat.isFresh(at: start.advanced(by: .seconds(60))))
        heartbeat.beat(at: start) // an older beat never moves time back
        #expect(!heartbeat.isFresh(at: start.advanced(by: .seconds(71))))
    }
}
