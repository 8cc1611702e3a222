import Logging
import VigieCore

/// The loop of one bus: one connection, strictly sequential requests, devices polled when due.
///
/// Runs as one task; its connection's blocking calls run on the bus's own queue. Polls are
/// aligned to their interval on the wall clock; a device in backoff yields bad readings without
/// using the line. Every wait and every time read goes through `clock`, so a fast-forward clock
/// drives the whole schedule.
struct BusPoller {
    let bus: ModbusBusConfiguration
    let devices: [ModbusDevice]
    let sink: any ReadingSink
    let logger: Logger
    let clock: GatewayClock
    let timing: PollTiming
    let board: ModbusStatusBoard
    /// The bus's connection, shared with writes (`ModbusSource.write`).
    let link: ModbusBusLink

    func run() async {
        var states = devices.map { DevicePollState(device: $0, bus: bus, now: clock.wallMilliseconds()) }
        guard !states.isEmpty else { return }
        var connection: ModbusBusConnection?
        while !Task.isCancelled {
            guard let (deviceIndex, groupIndex) = nextDue(states) else { return }
            let due = states[deviceIndex].groups[groupIndex].nextDue
            let wait = due - clock.wallMilliseconds()
            if wait > 0 {
                do { try await clock.sleep(for: .milliseconds(wait)) } catch { return }
            }
            let started = clock.wallMilliseconds()
            let group = states[deviceIndex].groups[groupIndex]
            var results: [PointResult]
            if started < states[deviceIndex].retryAfter {
                results = states[deviceIndex].skippedResults(group.points)
            } else {
                if connection == nil {
                    connection = openConnection()
                }
                if states[deviceIndex].needsDiscovery, let connection {
                    await discover(&states[deviceIndex], connection: connection, now: started)
                    if !states[deviceIndex].needsDiscovery { continue }
                    states[deviceIndex].groups[groupIndex].nextDue = PollTiming.nextAligned(after: max(clock.wallMilliseconds(), due),
                                                                                          interval: group.interval)
                    continue
                }
                var plan = group.plan
                if let connection {
                    results = await DeviceReader.read(&plan, unit: states[deviceIndex].device.unit, connection: connection,
                                                      interRequestDelay: bus.interRequestDelay, clock: clock)
                } else {
                    let error = ModbusError(kind: .connectionFailed, cause: "cannot open bus", context: bus.name)
                    results = group.points.map { PointResult.failed($0, error) }
                }
                states[deviceIndex].groups[groupIndex].plan = plan
                let finished = clock.wallMilliseconds()
                states[deviceIndex].record(results, at: finished, interval: group.interval,
                                           durationNanoseconds: (finished - started) * 1_000_000, timing: timing, logger: logger)
                board.update(states[deviceIndex].status)
                if bus.interRequestDelay > .zero {
                    try? await clock.sleep(for: bus.interRequestDelay)
                }
            }
            states[deviceIndex].groups[groupIndex].nextDue = PollTiming.nextAligned(after: max(clock.wallMilliseconds(), due), interval: group.interval)
            await sink.submit(states[deviceIndex].readings(results, time: due), deadline: .commitInterval)
        }
    }

    /// Finds a SunSpec device's models; on success its groups are due at once.
    private func discover(_ state: inout DevicePollState, connection: ModbusBusConnection, now: Int64) async {
        switch await SunSpecDiscovery(connection: connection, unit: state.device.unit).discover() {
        case .success(let chain) where !chain.points().isEmpty:
            let configured = devices.first { $0.name == state.device.name }?.points ?? []
            state.adopt(chain, configuredPoints: configured, now: clock.wallMilliseconds(), logger: logger)
        case .success(let chain):
            let found = chain.models.map { "\($0.id)@\($0.address)" }.joined(separator: " ")
            state.recordDiscoveryFailure("no SunSpec model vigie knows (found: \(found.isEmpty ? "none" : found); "
                                         + chain.problems.joined(separator: "; ") + ")", cause: nil, at: clock.wallMilliseconds(),
                                         timing: timing, logger: logger)
        case .failure(let notFound):
            state.recordDiscoveryFailure(notFound.message, cause: notFound.cause, at: clock.wallMilliseconds(), timing: timing, logger: logger)
        }
        board.update(state.status)
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
            return try link.connection()
        } catch {
            logger.error("Cannot open Modbus bus", metadata: ["modbus.bus": "\(bus.name)", "modbus.error": "\(error)"])
            return nil
        }
    }
}
