import Synchronization
import VigieCore

/// The one connection of a bus, shared by its poller and by writes from the hub or the CLI.
///
/// Opened on first use and kept: every request of the bus runs on that connection's serial
/// queue, so a write (with its read-back, or a bit's read-modify-write) is one job on the queue
/// and no poll request can come between its steps.
public final class ModbusBusLink: Sendable {
    public let bus: ModbusBusConfiguration
    private let opened = Mutex<ModbusBusConnection?>(nil)

    public init(bus: ModbusBusConfiguration) {
        self.bus = bus
    }

    /// The bus's connection, created now if it was not yet (no I/O: libmodbus connects on first request).
    public func connection() throws(ModbusError) -> ModbusBusConnection {
        let result: Result<ModbusBusConnection, ModbusError> = opened.withLock { current in
            if let current { return .success(current) }
            let created = Result { () throws(ModbusError) -> ModbusBusConnection in
                try ModbusBusConnection(transport: bus.transport, timeout: bus.timeout, busName: bus.name)
            }
            if case .success(let connection) = created { current = connection }
            return created
        }
        return try result.get()
    }
}
