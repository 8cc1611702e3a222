import VigieDaemon
/// What happens in the simulated building, hour by simulated hour: the same incidents at the
/// same minutes of every simulated hour after the demo started.
///
/// | minutes | incident                                                     |
/// |---------|--------------------------------------------------------------|
/// | 20–30   | the hall's CO2/temperature sensor is stuck (repeats itself)  |
/// | 26      | a spike on the canteen sub-meter's active power (+12 kW)     |
/// | 30–40   | the hub is down (its broker stopped): the backlog builds     |
/// | 32–38   | the heat meter stops answering                               |
/// | 42–54   | a level shift on the main meter: the load rises by 60 %      |
///
/// Before the gateway starts, the demo stores 360 polls of the building's past (`DemoHistory`):
/// the detectors warm up from it as after a restart, so their statistical checks (which see
/// the level shift, and need 300 readings) and the stuck check (which needs to know how often
/// a value changes) judge the incidents of the very first simulated hour.
public struct DemoScenario: Sendable, Equatable {
    /// Simulated seconds between two polls (at least one simulated minute).
    public var pollSeconds: Double

    public init(pollSeconds: Double = 60) {
        self.pollSeconds = pollSeconds
    }

    /// One incident of the timeline.
    public enum Incident: String, Sendable, CaseIterable {
        case stuckSensor = "CO2 sensor stuck"
        case spike = "spike on the canteen sub-meter"
        case hubDown = "hub down"
        case deviceSilent = "heat meter not answering"
        case levelShift = "level shift on the main meter"
    }

    /// The simulated seconds, within each simulated hour, during which `incident` is active.
    public func window(of incident: Incident) -> Range<Double> {
        switch incident {
        case .stuckSensor: 20 * 60..<30 * 60
        // At least one and a half polls long, so that one poll sees it.
        case .spike: 26 * 60..<26 * 60 + max(60, pollSeconds * 1.5)
        case .hubDown: 30 * 60..<40 * 60
        case .deviceSilent: 32 * 60..<38 * 60
        case .levelShift: 42 * 60..<54 * 60
        }
    }

    /// The incidents active `simulatedSeconds` after the demo started.
    public func active(at simulatedSeconds: Double) -> Set<Incident> {
        let inHour = simulatedSeconds.truncatingRemainder(dividingBy: 3600)
        return Set(Incident.allCases.filter { window(of: $0).contains(inHour) })
    }

    /// When the stuck run that covers `simulatedSeconds` began (the value it repeats).
    public func stuckSince(_ simulatedSeconds: Double) -> Double {
        let hourStart = simulatedSeconds - simulatedSeconds.truncatingRemainder(dividingBy: 3600)
        return hourStart + window(of: .stuckSensor).lowerBound
    }
}
