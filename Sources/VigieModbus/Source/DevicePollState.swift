import Logging
import Metrics
import VigieCore

/// One device as its bus task sees it: its plans per poll group, its health, its metrics.
///
/// A plain value owned by one bus task: no locks.
struct DevicePollState {
    struct Group {
        var interval: Duration
        var plan: [PlannedRead]
        var points: [PointDefinition]
        var nextDue: Int64
    }

    private(set) var device: ModbusDevice
    var groups: [Group]
    /// A `sunspec: true` device whose models are to be found (at start-up, and again after it
    /// stopped answering: a firmware update may have moved them) before its next poll.
    private(set) var needsDiscovery: Bool
    /// The device's scale-factor points: read, never readings (`ModbusDevice.scaleFactorNames`).
    private var factors: Set<String>
    private let maxGap: Int
    var status: ModbusDeviceStatus
    /// No request is sent to the device before this time (milliseconds since the epoch).
    var retryAfter: Int64 = .min
    var lastFailure: ModbusError?

    private let polls: Counter
    private let latency: Metrics.Timer
    private var errorCounters: [String: Counter] = [:]

    init(device: ModbusDevice, bus: ModbusBusConfiguration, now: Int64) {
        self.device = device
        maxGap = bus.maxGap
        needsDiscovery = device.sunspec
        factors = device.scaleFactorNames
        groups = []
        status = ModbusDeviceStatus(device: device.name, bus: bus.name, unit: device.unit)
        polls = Counter(label: "vigie_modbus_polls_total", dimensions: [("device", device.name)])
        latency = Metrics.Timer(label: "vigie_modbus_poll_duration_seconds", dimensions: [("device", device.name)])
        groups = device.sunspec ? [discoverySlot(now: now)] : planGroups(device, now: now)
    }

    private func planGroups(_ device: ModbusDevice, now: Int64) -> [Group] {
        let planner = RequestPlanner(maxGap: maxGap, maxRegisters: device.maxRegistersPerRequest)
        return device.pollGroups.map { group in
            Group(interval: group.interval, plan: planner.plan(group.points), points: group.points,
                  nextDue: PollTiming.nextAligned(after: now, interval: group.interval))
        }
    }

    /// The one group of a SunSpec device whose models are not known yet: when due, models are searched.
    private func discoverySlot(now: Int64) -> Group {
        Group(interval: device.poll, plan: [], points: [], nextDue: PollTiming.nextAligned(after: now, interval: device.poll))
    }

    /// Takes the models found on the device: its points become theirs (its inline points kept,
    /// replacing a model point of the same name), polled from now on. Text points (the common
    /// model's manufacturer, serial number...) are identity, not measurements: not polled.
    mutating func adopt(_ chain: SunSpecChain, configuredPoints: [PointDefinition], now: Int64, logger: Logger) {
        let own = Set(configuredPoints.map(\.name))
        let measured = chain.points().filter { point in
            if case .string = point.type { return false }
            return !own.contains(point.name)
        }
        device.points = measured + configuredPoints
        factors = device.scaleFactorNames
        needsDiscovery = false
        let models = chain.models.map { "\($0.id)@\($0.address)" }.joined(separator: " ")
        logger.notice("SunSpec models found", metadata: metadata(["sunspec.models": "\(models)",
                                                                   "sunspec.points": "\(device.points.count)"]))
        if !chain.problems.isEmpty {
            logger.warning("SunSpec chain has problems", metadata: metadata(["sunspec.problems": "\(chain.problems.joined(separator: "; "))"]))
        }
        groups = device.points.isEmpty ? [discoverySlot(now: now)] : planGroups(device, now: now).map { group in
            var group = group
            group.nextDue = now
            return group
        }
    }

    /// A search for models that found none: retried like a failed poll.
    mutating func recordDiscoveryFailure(_ message: String, cause: ModbusError?, at now: Int64, timing: PollTiming, logger: Logger) {
        let error = cause ?? ModbusError(kind: .invalidRequest, cause: message, context: device.name)
        if status.state != .failing {
            logger.warning("No SunSpec models found", metadata: metadata(["modbus.error": "\(message)"]))
        }
        status.lastPoll = now
        status.consecutiveFailures += 1
        status.lastError = message
        status.state = .failing
        lastFailure = error
        retryAfter = now + timing.backoff(interval: device.poll, failures: status.consecutiveFailures).milliseconds
    }

    /// The readings of one poll's results, stamped with the poll's scheduled time; the scale
    /// factors, already applied to the values they scale, are left out.
    func readings(_ results: [PointResult], time: Int64) -> [Reading] {
        results.compactMap { result in
            factors.contains(result.point.name) ? nil
                : Reading(sensor: device.sensor(result.point), time: time, value: result.value, quality: result.quality)
        }
    }

    /// Records a poll's outcome; logs only when the device starts failing or recovers.
    mutating func record(_ results: [PointResult], at now: Int64, interval: Duration, durationNanoseconds: Int64,
                         timing: PollTiming, logger: Logger) {
        polls.increment()
        latency.recordNanoseconds(durationNanoseconds)
        for error in results.compactMap(\.error) {
            count(error.kind)
        }
        status.lastPoll = now
        // The device is failing when nothing answered; exceptions are answers.
        let answered = results.contains { $0.error == nil || $0.error?.kind == .exception }
        if answered || results.isEmpty {
            if status.state == .failing {
                logger.notice("Modbus device answers again", metadata: metadata(["modbus.failures": "\(status.consecutiveFailures)"]))
            }
            status.state = .ok
            status.consecutiveFailures = 0
            retryAfter = .min
            lastFailure = nil
            if let error = results.compactMap(\.error).first { status.lastError = error.description }
        } else if let error = results.compactMap(\.error).first {
            status.consecutiveFailures += 1
            status.lastError = error.description
            lastFailure = error
            if status.state != .failing {
                logger.warning("Modbus device does not answer", metadata: metadata(["modbus.error": "\(error)"]))
                needsDiscovery = device.sunspec
            }
            status.state = .failing
            retryAfter = now + timing.backoff(interval: interval, failures: status.consecutiveFailures).milliseconds
        }
    }

    /// Results for a poll skipped during backoff: every point bad with the last failure's reason.
    func skippedResults(_ points: [PointDefinition]) -> [PointResult] {
        let error = lastFailure ?? ModbusError(kind: .timeout, cause: "timeout", context: "")
        return points.map { PointResult.failed($0, error) }
    }

    private mutating func count(_ kind: ModbusError.Kind) {
        if let counter = errorCounters[kind.name] {
            counter.increment()
        } else {
            let counter = Counter(label: "vigie_modbus_errors_total", dimensions: [("device", device.name), ("error", kind.name)])
            errorCounters[kind.name] = counter
            counter.increment()
        }
    }

    private func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata: Logger.Metadata = ["modbus.bus": "\(status.bus)", "modbus.device": "\(device.name)", "modbus.unit": "\(device.unit)"]
        metadata.merge(extra) { _, new in new }
        return metadata
    }
}
