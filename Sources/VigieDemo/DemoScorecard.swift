import Synchronization
import VigieDaemon

/// Precision and recall of the demo's anomaly events against the incidents it injected: the
/// line `incidents: N injected, D detected; anomaly events: E, F outside any incident` the demo
/// prints when it stops.
///
/// The incidents a detector can see are the ones that change a device's readings: the stuck
/// CO2/temperature sensor, the sub-meter's spike, the heat meter's silence and the main meter's
/// level shift, each simulated hour (the hub's outage changes no reading: it is the upstream's
/// incident, not the detector's). An incident is *detected* when an event opens on one of its
/// device's sensors from one poll before its window to `grace` polls after it (a stuck run or a
/// run of errors is reported after a few polls, the end of an incident is part of it); an event
/// that matches no incident is *outside*. An incident counts as injected once its window and
/// grace are over before the demo stopped.
public struct DemoScorecard: Sendable {
    public let scenario: DemoScenario
    /// Polls after an incident's window during which an event still belongs to it.
    public static let gracePolls = 5.0
    /// Events seen: key `sensor@start` → (device, simulated seconds of the start).
    private var events: [String: (device: String, start: Double)] = [:]

    public init(scenario: DemoScenario) {
        self.scenario = scenario
    }

    /// The incidents a detector can see, with the device each one changes.
    public static let watched: [(incident: DemoScenario.Incident, device: String)] = [
        (.stuckSensor, DemoBuilding.airSensor), (.spike, DemoBuilding.subMeter),
        (.deviceSilent, DemoBuilding.heatMeter), (.levelShift, DemoBuilding.mainMeter),
    ]

    /// Records the events (duplicates and later phases of a known event are ignored);
    /// `simulatedSeconds` maps an event's start (ms since the epoch) to simulated seconds since the demo began.
    public mutating func record(_ seen: [AnomalyStatus], simulatedSeconds: (Int64) -> Double) {
        for event in seen where events["\(event.sensor)@\(event.start)"] == nil {
            let device = String(event.sensor.split(separator: "/", maxSplits: 1).first ?? "")
            events["\(event.sensor)@\(event.start)"] = (device, simulatedSeconds(event.start))
        }
    }

    /// The counts after `simulatedEnd` simulated seconds of demo.
    public func summary(simulatedEnd: Double) -> Summary {
        let grace = Self.gracePolls * scenario.pollSeconds
        var injected = 0, detected = 0
        var inside = Set<String>()
        var hour = 0.0
        while hour * 3600 < simulatedEnd {
            for (incident, device) in Self.watched {
                let window = scenario.window(of: incident)
                let from = hour * 3600 + window.lowerBound - scenario.pollSeconds
                let to = hour * 3600 + window.upperBound + grace
                let matching = events.filter { $0.value.device == device && $0.value.start >= from && $0.value.start < to }
                inside.formUnion(matching.keys)
                guard to <= simulatedEnd else { continue }
                injected += 1
                if !matching.isEmpty { detected += 1 }
            }
            hour += 1
        }
        return Summary(injected: injected, detected: detected, events: events.count,
                       outside: events.count - inside.count)
    }

    /// What the demo did against what it injected.
    public struct Summary: Sendable, Equatable, CustomStringConvertible {
        public var injected: Int
        public var detected: Int
        public var events: Int
        public var outside: Int

        public var description: String {
            "incidents: \(injected) injected, \(detected) detected; anomaly events: \(events), \(outside) outside any incident"
        }

        /// Every injected incident detected, at most 10 % of the events outside incidents.
        public var meetsTarget: Bool { injected > 0 && detected == injected && outside * 10 <= events }
    }
}

/// A scorecard shared by the demo's driver (which records events as they come) and its runner.
package final class DemoScorecardBox: Sendable {
    private let state: Mutex<DemoScorecard>
    /// When the demo was told to stop (ms since the epoch): incidents are counted up to then,
    /// not up to the end of the gateway's shutdown, when no event can open any more.
    private let stopped = Mutex<Int64?>(nil)

    package init(_ scorecard: DemoScorecard) {
        state = Mutex(scorecard)
    }

    package func record(_ seen: [AnomalyStatus], simulatedSeconds: (Int64) -> Double) {
        state.withLock { $0.record(seen, simulatedSeconds: simulatedSeconds) }
    }

    package func markStopped(at milliseconds: Int64) {
        stopped.withLock { $0 = $0 ?? milliseconds }
    }

    /// The stop time marked, else `fallback`.
    package func stopTime(or fallback: Int64) -> Int64 {
        stopped.withLock { $0 ?? fallback }
    }

    package func summary(simulatedEnd: Double) -> DemoScorecard.Summary {
        state.withLock { $0.summary(simulatedEnd: simulatedEnd) }
    }
}

extension DemoBuilding {
    /// The simulated seconds since the demo began at `milliseconds` since the epoch (a reading's time).
    package func simulatedSeconds(atEpochMilliseconds milliseconds: Int64) -> Double {
        (Double(milliseconds) / 1000 - startEpochSeconds) * speed
    }
}
