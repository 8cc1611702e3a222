import Testing
@testable import VigieDaemon

@Suite struct HealthEvaluatorTests {
    let evaluator = HealthEvaluator()

    @Test func aHealthyGatewayIsOkWithEveryComponentListed() {
        let report = evaluator.evaluate(FakeStatusProvider.building())
        #expect(report.status == .ok && report.httpStatus == 200)
        #expect(report.components.map(\.kind) == ["device", "device", "subscription", "store", "sink", "backlog", "clock"])
        #expect(report.components.first?.name == "rs485-1/meter")
    }

    @Test func aDeadDeviceDegradesAndAllSourcesDeadFails() {
        var snapshot = FakeStatusProvider.building()
        snapshot.buses[0].devices[0].state = .failing
        snapshot.buses[0].devices[0].lastError = "timeout"
        let one = evaluator.evaluate(snapshot)
        #expect(one.status == .degraded && one.httpStatus == 200)
        #expect(one.components[0].detail == "timeout")
        snapshot.buses[0].devices[1].state = .failing
        snapshot.subscriptions[0].state = .failing
        #expect(evaluator.evaluate(snapshot).status == .failing)
        #expect(evaluator.evaluate(snapshot).httpStatus == 503)
    }

    @Test func theBrokerNodeAndARefusedSubscriptionAreShown() {
        var snapshot = FakeStatusProvider.building()
        snapshot.sinks[0].broker = "node2.hub:8883"
        snapshot.subscriptions[0].broker = "127.0.0.1:1883"
        var report = evaluator.evaluate(snapshot)
        #expect(report.components.first { $0.kind == "sink" }?.detail == "connected to node2.hub:8883")
        #expect(report.components.first { $0.kind == "subscription" }?.detail == "on 127.0.0.1:1883")
        snapshot.subscriptions[0].state = .failing
        snapshot.subscriptions[0].refusedBy = ["127.0.0.1:1883"]
        report = evaluator.evaluate(snapshot)
        #expect(report.components.first { $0.kind == "subscription" }?.detail
                == "refused by 127.0.0.1:1883 (check the broker's ACL)")
    }

    @Test func storeClockAndBacklogRules() {
        var snapshot = FakeStatusProvider.building()
        snapshot.store.state = .failing
        #expect(evaluator.evaluate(snapshot).status == .failing)
        snapshot = FakeStatusProvider.building()
        snapshot.clock = ClockStatus(synchronized: false, plausible: true)
        #expect(evaluator.evaluate(snapshot).status == .degraded)
        snapshot.clock = ClockStatus(synchronized: nil, plausible: false)
        #expect(evaluator.evaluate(snapshot).status == .failing)
        snapshot = FakeStatusProvider.building()
        snapshot.sinks[0].oldestPending = snapshot.gateway.now - 2 * 3_600_000
        let report = evaluator.evaluate(snapshot)
        #expect(report.status == .degraded)
        #expect(report.components.first { $0.kind == "backlog" }?.detail == "3 messages, oldest 7200 s")
    }
}
