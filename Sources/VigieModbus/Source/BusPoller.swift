import Logging
import VigieCore

/// The loop of one bus: one connection, strictly sequential requests, devices polled when due.
///
/// Runs as one task; its connection's blocking calls run on the bus's own queue. Polls are
/// aligned to their interval; a device in backoff yields bad readings without using the line.
struct BusPoller<C: Clock> where C.Duration == Duration {
    let bus: ModbusBusConfiguration
    let devices: [ModbusDevice]
    let sink: any ReadingSink
    let logger: Logger
    let clock: C
    let wallTime: @Sendable () -> Int64
    let timing: PollTiming
    let board: ModbusStatusBoard

    func run() async {
        var states = devices.map { DevicePollState(device: $0, bus: bus, now: wallTime()) }
        guard !states.isEmpty else { return }
        var connection: ModbusBusConnection?
        while !Task.isCancelled {
            guard let (deviceIndex, groupIndex) = nextDue(states) else { return }
            let due = states[deviceIndex].groups[groupIndex].nextDue
            let wait = due - wallTime()
            if wait > 0 {
                do { try await clock.sleep(for: .milliseconds(wait)) } catch { return }
            }
            let started = wallTime()
            let group = states[deviceIndex].groups[groupIndex]
            var results: [PointResult]
            if started < states[deviceIndex].retryAfter {
                results = states[deviceIndex].skippedResults(group.points)
            } else {
                if connection == nil {
                    connection = openConnection()
                }
                var plan = group.plan
                if let connection {
                    results = await DeviceReader.read(&plan, unit: states[deviceIndex].device.unit, connection: connection,
                                                      interRequestDelay: bus.interRequestDelay)
                } else {
                    let error = ModbusError(kind: .connectionFailed, cause: "cannot open bus", context: bus.name)
                    results = group.points.map { PointResult.failed($0, error) }
                }
                states[deviceIndex].groups[groupIndex].plan = plan
                let finished = wallTime()
                states[deviceIndex].record(results, at: finished, interval: group.interval,
                                           durationNanoseconds: (finished - started) * 1_000_000, timing: timing, logger: logger)
                board.update(states[deviceIndex].status)
                if bus.interRequestDelay > .zero {
                    try? await clock.sleep(for: bus.interRequestDelay)
                }
            }
            states[deviceIndex].groups[groupIndex].nextDue = PollTiming.nextAligned(after: max(wallTime(), due), interval: group.interval)
            await sink.submit(states[deviceIndex].readings(results, time: due), deadline: .commitInterval)
        }
    }

    /// The group due first.
    private func nextDue(_ states: [DevicePollState]) -> (Int, Int)? {
        var best: (device: Int, group: Int, due: Int64)?
        for (deviceIndex, state) in states.enumerated() {
            for (groupIndex, group) in state.groups.enumerated() where group.nextDue < best?.due ?? .max {
                best = (deviceIndex, groupIndex, group.nextDue)
            }
        }
        return best.map { ($0.device, $0.group) }
    }

    private func openConnection() -> ModbusBusConnection? {
        do {
            return try ModbusBusConnection(transport: bus.transport, timeout: bus.timeout, busName: bus.name)
        } catch {
            logger.error("Cannot open Modbus bus", metadata: ["modbus.bus": "\(bus.name)", "modbus.error": "\(error)"])
            return nil
        }
    }
}
