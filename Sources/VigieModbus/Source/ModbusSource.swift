import Glibc
import Logging
import ServiceLifecycle
import VigieCore

/// The Modbus source: polls every configured device and hands readings to a sink.
///
/// Each bus runs in its own child task with its own connection, so a dead device or bus never
/// delays another bus. Stops polling on graceful shutdown. Time (poll schedule, reading
/// timestamps, inter-request delays) comes from the injected `GatewayClock`.
public struct ModbusSource: Service {
    public let configuration: ModbusConfiguration
    let devices: [[ModbusDevice]]
    /// Each bus's connection, shared by its poller and by writes.
    let links: [ModbusBusLink]
    private let sink: any ReadingSink
    private let logger: Logger
    private let clock: GatewayClock
    private let timing: PollTiming
    private let board: ModbusStatusBoard

    /// Resolves every bus's devices against `profiles`; throws on an unknown profile or a duplicate name.
    public init(configuration: ModbusConfiguration, profiles: [String: DeviceProfile], sink: any ReadingSink,
                logger: Logger, clock: GatewayClock = .system, timing: PollTiming = PollTiming()) throws(DeviceResolutionError) {
        let resolver = ModbusDeviceResolver(profiles: profiles)
        var devices: [[ModbusDevice]] = []
        for bus in configuration.buses {
            devices.append(try resolver.devices(of: bus))
        }
        self.configuration = configuration
        self.devices = devices
        links = configuration.buses.map { ModbusBusLink(bus: $0) }
        self.sink = sink
        self.logger = logger
        self.clock = clock
        self.timing = timing
        board = ModbusStatusBoard(zip(configuration.buses, devices).flatMap { bus, devices in
            devices.map { ModbusDeviceStatus(device: $0.name, bus: bus.name, unit: $0.unit) }
        })
    }

    /// Every device's current status, in configuration order.
    public func status() -> [ModbusDeviceStatus] {
        board.all
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await runBuses()
        }
    }

    private func runBuses() async {
        await withDiscardingTaskGroup { group in
            for (index, bus) in configuration.buses.enumerated() {
                let poller = BusPoller(bus: bus, devices: devices[index], sink: sink, logger: logger, clock: clock,
                                       timing: timing, board: board, link: links[index])
                group.addTask { await poller.run() }
            }
        }
    }
}
