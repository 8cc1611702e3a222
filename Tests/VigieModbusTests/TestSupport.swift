import Foundation
import Synchronization
import Testing
import VigieCore
@testable import VigieModbus

/// One point per type and order, at distinct addresses, with known values.
enum Samples {
    static let values: [(ValueType, Double)] = [
        (.int16, -1234), (.uint16, 54321), (.int32, -123_456_789), (.uint32, 3_000_000_000), (.int64, -9_000_000_000_000),
        (.uint64, 9_876_543_210_123), (.float32, -12.25), (.float64, 12345.678),
    ]

    static func points(table: RegisterTable = .holding) -> [SimulatedPoint] {
        var address = 0
        var points: [SimulatedPoint] = []
        for (type, value) in values {
            for order in ByteOrder.allCases {
                let point = PointDefinition(name: "\(type)_\(order.rawValue)", table: table, address: address, type: type, order: order)
                points.append(SimulatedPoint(point, constant: value))
                address += type.registerCount
            }
        }
        return points
    }

    static func expected(_ name: String) -> Double? {
        values.first { name.hasPrefix("\($0.0)_") }?.1
    }
}

func tcpBus(_ name: String, port: Int, timeout: Duration = .milliseconds(500), devices: [ModbusDeviceConfiguration]) -> ModbusBusConfiguration {
    ModbusBusConfiguration(name: name, transport: .tcp(Endpoint(host: "127.0.0.1", port: port)), timeout: timeout, devices: devices)
}
