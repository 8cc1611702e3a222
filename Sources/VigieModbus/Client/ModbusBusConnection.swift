import VigieCore

/// A bus's client behind its own serial queue: blocking libmodbus calls run there, one at a
/// time, and callers await them without blocking the cooperative thread pool.
public final class ModbusBusConnection: @unchecked Sendable {
    // Unchecked: `client` is only touched from `queue`, a serial queue, so access is exclusive.
    private let client: ModbusClient
    private let queue: BlockingQueue

    public init(transport: ModbusTransport, timeout: Duration, busName: String) throws(ModbusError) {
        client = try ModbusClient(transport: transport, timeout: timeout, busName: busName)
        queue = BlockingQueue(label: "vigie.modbus.\(busName)")
    }

    /// Runs `body` with the client on the bus's queue.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (ModbusClient) throws(ModbusError) -> T) async throws(ModbusError) -> T {
        try await queue.run { [self] () throws(ModbusError) -> T in try body(client) }
    }

    /// Reads one request from `unit` on the bus's queue.
    public func read(_ request: ReadRequest, unit: Int) async -> Result<[UInt16], ModbusError> {
        await queue.run { [self] in Result { () throws(ModbusError) -> [UInt16] in try client.read(request, unit: unit) } }
    }
}
