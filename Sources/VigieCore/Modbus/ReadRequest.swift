/// One Modbus read: a table, a first address and a count of registers (or bits).
public struct ReadRequest: Hashable, Sendable, CustomStringConvertible {
    public var table: RegisterTable
    public var address: Int
    public var count: Int

    public init(table: RegisterTable, address: Int, count: Int) {
        self.table = table
        self.address = address
        self.count = count
    }

    /// The last address read.
    public var lastAddress: Int { address + count - 1 }

    /// `holding 4000..4011` (or `holding 4000` for one register).
    public var description: String {
        count == 1 ? "\(table) \(address)" : "\(table) \(address)..\(lastAddress)"
    }
}

/// A read and the points it serves.
public struct PlannedRead: Sendable, Equatable {
    public var request: ReadRequest
    public var points: [PointDefinition]

    public init(request: ReadRequest, points: [PointDefinition]) {
        self.request = request
        self.points = points
    }

    /// The words of `point` within this read's reply, or nil if the reply is too short.
    public func words(of point: PointDefinition, in reply: [UInt16]) -> ArraySlice<UInt16>? {
        let start = point.address - request.address
        let end = start + point.width
        guard start >= 0, end <= reply.count else { return nil }
        return reply[start..<end]
    }
}
