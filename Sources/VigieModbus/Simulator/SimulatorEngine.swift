import CModbus
import Synchronization
import VigieCore

/// The simulator's register images and request handling; used only by the server loop.
final class SimulatorEngine {
    enum Action { case reply, ignore, disconnect }

    private let units: [Int: SimulatedUnit]
    private var mappings: [Int: UnsafeMutablePointer<modbus_mapping_t>] = [:]
    private let start = ContinuousClock.now

    init(units: [SimulatedUnit]) {
        self.units = Dictionary(units.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        for unit in units where mappings[unit.id] == nil {
            mappings[unit.id] = modbus_mapping_new(65536, 65536, 65536, 65536)
        }
    }

    deinit {
        for mapping in mappings.values { modbus_mapping_free(mapping) }
    }

    /// Handles one request of `length` bytes whose unit id sits at `headerLength - 1`.
    func handle(context: OpaquePointer, request: [UInt8], length: Int, headerLength: Int,
                shared: SimulatorShared, isTCP: Bool) -> Action {
        guard headerLength >= 1, length > headerLength else { return .ignore }
        let unit = Int(request[headerLength - 1])
        let function = Int(request[headerLength])
        let range = Self.range(of: request, function: function, at: headerLength)
        let (fault, illegal, writes) = shared.state.withLock { state -> (SimulatorFault?, Bool, [SimulatorState.Write]) in
            guard state.units[unit] != nil else { return (nil, false, []) }
            state.requests.append(SimulatorRequest(unit: unit, function: function, request: range))
            let illegal = range.map { range in
                state.illegal.contains { $0.unit == unit && $0.table == range.table
                    && $0.addresses.overlaps(range.address...range.lastAddress) }
            } ?? false
            let writes = state.pendingWrites
            state.pendingWrites.removeAll()
            return (state.faults[unit], illegal, writes)
        }
        for write in writes { apply(write) }
        guard let mapping = mappings[unit], let served = units[unit] else {
            if isTCP {
                modbus_reply_exception(context, request, UInt32(MODBUS_EXCEPTION_GATEWAY_TARGET))
                return .reply
            }
            return .ignore
        }
        switch fault {
        case .noAnswer?: return .ignore
        case .disconnect?: return isTCP ? .disconnect : .ignore
        case .exception(let code)?:
            modbus_reply_exception(context, request, UInt32(clamping: code))
            return .reply
        case nil: break
        }
        if illegal {
            modbus_reply_exception(context, request, UInt32(MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS))
            return .reply
        }
        let seconds = Double((ContinuousClock.now - start).milliseconds) / 1000
        for point in served.points {
            write(point.words(at: seconds), table: point.point.table, address: point.point.address, into: mapping)
        }
        modbus_reply(context, request, Int32(length), mapping)
        return .reply
    }

    private func apply(_ write: SimulatorState.Write) {
        guard let mapping = mappings[write.unit] else { return }
        self.write(write.words, table: write.table, address: write.address, into: mapping)
    }

    private func write(_ words: [UInt16], table: RegisterTable, address: Int, into mapping: UnsafeMutablePointer<modbus_mapping_t>) {
        guard address >= 0, address + words.count <= 65536 else { return }
        for (index, word) in words.enumerated() {
            switch table {
            case .coils: mapping.pointee.tab_bits[address + index] = word != 0 ? 1 : 0
            case .discrete: mapping.pointee.tab_input_bits[address + index] = word != 0 ? 1 : 0
            case .holding: mapping.pointee.tab_registers[address + index] = word
            case .input: mapping.pointee.tab_input_registers[address + index] = word
            }
        }
    }

    /// The table range a request reads or writes, for the functions that have one.
    static func range(of request: [UInt8], function: Int, at offset: Int) -> ReadRequest? {
        guard request.count >= offset + 5 else { return nil }
        let address = Int(request[offset + 1]) << 8 | Int(request[offset + 2])
        let count = Int(request[offset + 3]) << 8 | Int(request[offset + 4])
        switch function {
        case 1, 15: return ReadRequest(table: .coils, address: address, count: count)
        case 2: return ReadRequest(table: .discrete, address: address, count: count)
        case 3, 16: return ReadRequest(table: .holding, address: address, count: count)
        case 4: return ReadRequest(table: .input, address: address, count: count)
        case 5: return ReadRequest(table: .coils, address: address, count: 1)
        case 6: return ReadRequest(table: .holding, address: address, count: 1)
        default: return nil
        }
    }
}
