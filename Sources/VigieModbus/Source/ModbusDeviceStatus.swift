import Synchronization
import VigieCore

/// What the status page shows for one Modbus device.
public struct ModbusDeviceStatus: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Not polled yet.
        case unknown
        case ok
        /// The last poll got no answer (timeout, connection failure); retried with backoff.
        case failing
    }

    public var device: String
    public var bus: String
    public var unit: Int
    public var state: State
    /// When the device was last polled (milliseconds since the epoch), nil before the first poll.
    public var lastPoll: Int64?
    /// The last error in words, kept after recovery for the technician.
    public var lastError: String?
    public var consecutiveFailures: Int

    public init(device: String, bus: String, unit: Int, state: State = .unknown, lastPoll: Int64? = nil,
                lastError: String? = nil, consecutiveFailures: Int = 0) {
        self.device = device
        self.bus = bus
        self.unit = unit
        self.state = state
        self.lastPoll = lastPoll
        self.lastError = lastError
        self.consecutiveFailures = consecutiveFailures
    }
}

/// Every device's status, written by the bus tasks and read by the status page.
final class ModbusStatusBoard: Sendable {
    private let entries: Mutex<[ModbusDeviceStatus]>

    init(_ entries: [ModbusDeviceStatus]) {
        self.entries = Mutex(entries)
    }

    func update(_ status: ModbusDeviceStatus) {
        entries.withLock { entries in
            if let index = entries.firstIndex(where: { $0.device == status.device && $0.bus == status.bus }) {
                entries[index] = status
            } else {
                entries.append(status)
            }
        }
    }

    var all: [ModbusDeviceStatus] { entries.withLock { $0 } }
}
