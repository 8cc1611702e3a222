extension AnomalyConfiguration {
    /// The detector settings for one sensor, or nil when detection is off for it.
    ///
    /// The first override whose `sensor` pattern matches wins; its range replaces the one
    /// given here (from the device profile), and `expectedInterval` is the poll interval in ms.
    public func settings(for sensor: SensorID, minimum: Double? = nil, maximum: Double? = nil,
                         expectedInterval: Int64? = nil) -> AnomalyDetectorSettings? {
        let override = override(for: sensor)
        guard override?.enabled ?? enabled else { return nil }
        return AnomalyDetectorSettings(
            sensitivity: override?.sensitivity ?? sensitivity, warmup: warmup,
            minimum: override?.min ?? minimum, maximum: override?.max ?? maximum,
            expectedInterval: expectedInterval)
    }

    /// The sensitivity of `sensor`'s events (its override's, else the section's).
    public func sensitivity(for sensor: SensorID) -> Sensitivity {
        override(for: sensor)?.sensitivity ?? sensitivity
    }

    /// How long `sensor` may send nothing before its silence is a `gap` event, in
    /// milliseconds; nil when never (detection off for it, or `max_silence` off).
    public func maxSilence(for sensor: SensorID) -> Int64? {
        let override = override(for: sensor)
        guard override?.enabled ?? enabled, let silence = override?.maxSilence ?? maxSilence, silence > .zero else { return nil }
        return silence.milliseconds
    }

    /// Whether any sensor may have a `max_silence`: the detection stage then checks for silence
    /// even when no reading comes.
    public var watchesSilence: Bool {
        enabled && (maxSilence != nil || overrides.contains { ($0.maxSilence ?? .zero) > .zero })
    }

    /// The first override whose pattern matches `sensor`.
    private func override(for sensor: SensorID) -> AnomalyOverride? {
        let name = sensor.description
        return overrides.first { Self.matches(pattern: $0.sensor.lowercased(), name: name) }
    }

    /// Glob matching where `*` stands for any run of characters (including `/`).
    static func matches(pattern: String, name: String) -> Bool {
        let p = Array(pattern.utf8), n = Array(name.utf8)
        var pi = 0, ni = 0, star = -1, mark = 0
        while ni < n.count {
            if pi < p.count, p[pi] == n[ni] {
                pi += 1; ni += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi; mark = ni; pi += 1
            } else if star >= 0 {
                pi = star + 1; mark += 1; ni = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
