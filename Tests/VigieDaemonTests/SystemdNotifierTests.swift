import Testing
import VigieCore
@testable import VigieDaemon
import VigieTestKit

@Suite struct SystemdNotifierTests {
    @Test func readyStatusAndStoppingArriveAsDatagrams() throws {
        let receiver = try DatagramReceiver()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": receiver.path])
        try notifier.ready(status: "2 devices ok\nbacklog 0")
        try notifier.watchdog()
        try notifier.stopping()
        #expect(receiver.drain() == ["READY=1\nSTATUS=2 devices ok backlog 0", "WATCHDOG=1", "STOPPING=1"])
    }

    @Test func reloadingCarriesTheMonotonicClock() throws {
        let receiver = try DatagramReceiver()
        try SystemdNotifier(socketPath: receiver.path).reloading()
        let message = try #require(receiver.drain().first)
        let lines = message.split(separator: "\n")
        #expect(lines.first == "RELOADING=1")
        let usec = try #require(lines.last.flatMap { UInt64($0.dropFirst("MONOTONIC_USEC=".count)) })
        #expect(lines.last?.hasPrefix("MONOTONIC_USEC=") == true && usec > 0)
    }

    @Test func withoutNotifySocketEveryCallIsANoOp() throws {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        try notifier.ready()
        try notifier.stopping()
    }

    @Test func aMissingSocketIsAClearError() {
        let notifier = SystemdNotifier(socketPath: "/nonexistent/vigie/notify.sock")
        #expect(throws: VigieDaemonError.self) { try notifier.watchdog() }
    }

    @Test func watchdogIntervalIsHalfOfWatchdogUsecForThisProcess() {
        #expect(WatchdogService.interval(environment: ["WATCHDOG_USEC": "2000000"]) == .seconds(1))
        #expect(WatchdogService.interval(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "1"], pid: 42) == nil)
        #expect(WatchdogService.interval(environment: ["WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "42"], pid: 42) == .seconds(1))
        #expect(WatchdogService.interval(environment: ["WATCHDOG_USEC": "nope"]) == nil)
        #expect(WatchdogService.interval(environment: [:]) == nil)
    }
}
