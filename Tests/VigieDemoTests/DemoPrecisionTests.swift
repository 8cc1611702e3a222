import Foundation
import Prometheus
import Testing
@testable import VigieDaemon
@testable import VigieDemo
import VigieTestKit

/// The demo's precision and recall: what `DemoScorecard` counts, and a shortened demo run
/// through the real gateway that meets the same target as the default 3-minute one.
@Suite(.serialized) struct DemoPrecisionTests {
    /// An event on `sensor` starting `minutes` simulated minutes into a demo at 60 x (1 poll a minute).
    private func event(_ sensor: String, at minutes: Double, building: DemoBuilding) -> AnomalyStatus {
        AnomalyStatus(sensor: sensor, start: Int64((building.startEpochSeconds + minutes * 60 / building.speed) * 1000),
                      score: 0.7, kind: "stuck", message: "")
    }

    @Test func eventsAreMatchedToTheIncidentsOfTheirDevice() {
        let building = DemoBuilding(scenario: DemoScenario(pollSeconds: 60), speed: 60, startEpochSeconds: 1_764_720_000)
        var scorecard = DemoScorecard(scenario: building.scenario)
        scorecard.record([
            event("\(DemoBuilding.airSensor)/co2", at: 27, building: building),       // stuck, 20–30
            event("\(DemoBuilding.subMeter)/active_power", at: 26, building: building), // spike at 26
            event("\(DemoBuilding.heatMeter)/power", at: 40, building: building),       // silent 32–38, within the grace
            event("\(DemoBuilding.mainMeter)/current", at: 42, building: building),     // shift 42–54
            event("\(DemoBuilding.mainMeter)/current", at: 42, building: building),     // the same event again
            event("\(DemoBuilding.mainMeter)/voltage", at: 10, building: building),     // no incident at 10
            event("\(DemoBuilding.airSensor)/co2", at: 44, building: building),         // the wrong device for the shift
        ], simulatedSeconds: building.simulatedSeconds(atEpochMilliseconds:))
        let hour = scorecard.summary(simulatedEnd: 3600)
        #expect(hour == .init(injected: 4, detected: 4, events: 6, outside: 2))
        #expect(hour.description == "incidents: 4 injected, 4 detected; anomaly events: 6, 2 outside any incident")
        #expect(!hour.meetsTarget)
        // Two hours: the second hour's incidents are injected and missed.
        #expect(scorecard.summary(simulatedEnd: 7200) == .init(injected: 8, detected: 4, events: 6, outside: 2))
        // An incident whose grace is not over when the demo stops is not counted yet.
        #expect(scorecard.summary(simulatedEnd: 55 * 60).injected == 3)
    }

    @Test func aShortenedDemoDetectsEveryIncidentWithFewEventsOutside() async throws {
        let directory = TemporaryDirectory()
        let lines = LineCollector()
        // The default 60 x: a poll a simulated minute (1 s), 100 simulated minutes in 100 s:
        // seven incidents over. (At 120 x the heat meter's six simulated minutes of silence
        // last 3 s, and on a busy machine its RTU timeouts made too short a run of errors to
        // open an event: 5 of 6 detected, with 3 busy loops on 2 cores.)
        let runner = DemoRunner(options: .init(dataDirectory: directory.path("data"), duration: .seconds(100), speed: 60,
                                               profilesDirectory: DemoTests.profiles, live: false),
                                logger: .init(label: "demo-precision-test"))
        let summary = try await runner.run(metrics: PrometheusCollectorRegistry()) { lines.append($0) }
        #expect(summary.incidents.injected >= 6)
        #expect(summary.incidents.meetsTarget, "\(summary.incidents)\n\(lines.all.joined(separator: "\n"))")
    }
}
