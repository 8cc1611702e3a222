import Dispatch
import Synchronization
import VigieCore

/// A Modbus server (libmodbus) serving simulated units over TCP on loopback or RTU on a serial
/// port (a socat pty in tests), with fault injection. Used by the tests and by `vigie demo`.
///
/// The server runs on its own queue; `stop()` (or deinit) ends it within about 50 ms.
public final class ModbusSimulator: Sendable {
    /// The TCP port it listens on (0 for RTU).
    public let port: Int
    let shared: SimulatorShared
    private let finished = DispatchSemaphore(value: 0)

    /// Serves `units` over Modbus TCP on 127.0.0.1; port 0 picks a free port (see `port`).
    public static func tcp(units: [SimulatedUnit], port: Int = 0) throws(ModbusError) -> ModbusSimulator {
        let server = try SimulatorServer(tcpPort: port)
        return ModbusSimulator(server: server, units: units)
    }

    /// Serves `units` over Modbus RTU on the serial device at `path`.
    public static func rtu(units: [SimulatedUnit], path: String, line: SerialLine? = nil) throws(ModbusError) -> ModbusSimulator {
        let server = try SimulatorServer(rtu: line ?? SerialLine(port: path, baud: 19200))
        return ModbusSimulator(server: server, units: units)
    }

    private init(server: SimulatorServer, units: [SimulatedUnit]) {
        port = server.port
        shared = SimulatorShared(SimulatorState(units: Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })))
        let engine = SimulatorEngine(units: units)
        let box = SendableServer(server: server, engine: engine)
        DispatchQueue(label: "vigie.modbus.simulator").async { [shared, finished] in
            box.server.serve(engine: box.engine, shared: shared)
            finished.signal()
        }
    }

    deinit { stop() }

    /// Stops serving and closes every connection; waits for the server loop to end.
    public func stop() {
        let wasRunning = shared.state.withLock { state in
            defer { state.stopping = true }
            return !state.stopping
        }
        if wasRunning { finished.wait() }
    }

    /// Injects `fault` for `unit` (nil clears it).
    public func setFault(_ fault: SimulatorFault?, unit: Int) {
        shared.state.withLock { $0.faults[unit] = fault }
    }

    /// Makes reads of `table` covering any of `addresses` on `unit` answer "illegal data address".
    public func setIllegal(_ addresses: ClosedRange<Int>, table: RegisterTable, unit: Int) {
        shared.state.withLock { $0.illegal.append((unit, table, addresses)) }
    }

    /// Writes raw words (or 0/1 bits) into a unit's tables, served until a point function overwrites them.
    public func setWords(_ words: [UInt16], table: RegisterTable, address: Int, unit: Int) {
        shared.state.withLock { $0.pendingWrites.append(SimulatorState.Write(unit: unit, table: table, address: address, words: words)) }
    }

    /// Every request received so far, oldest first.
    public var requests: [SimulatorRequest] {
        shared.state.withLock { $0.requests }
    }

    /// Forgets the requests received so far.
    public func clearRequests() {
        shared.state.withLock { $0.requests.removeAll() }
    }
}

/// What the public API and the server loop share, under the simulator's mutex.
struct SimulatorState: Sendable {
    struct Write: Sendable {
        var unit: Int
        var table: RegisterTable
        var address: Int
        var words: [UInt16]
    }

    var units: [Int: SimulatedUnit]
    var faults: [Int: SimulatorFault] = [:]
    var illegal: [(unit: Int, table: RegisterTable, addresses: ClosedRange<Int>)] = []
    var pendingWrites: [Write] = []
    var requests: [SimulatorRequest] = []
    var stopping = false
}

/// Hands the server and its engine to the server queue, which becomes their only user.
private struct SendableServer: @unchecked Sendable {
    // Unchecked: created here and used only by the server loop afterwards.
    let server: SimulatorServer
    let engine: SimulatorEngine
}

/// The state behind its mutex, as a reference both the API and the server loop hold.
final class SimulatorShared: Sendable {
    let state: Mutex<SimulatorState>

    init(_ state: SimulatorState) {
        self.state = Mutex(state)
    }
}
