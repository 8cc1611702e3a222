/// Coalesces a device's points into as few reads as possible.
///
/// Points of one table are sorted by address and merged while the next point starts at most
/// `maxGap` registers (or bits) after the end of the read so far and the read stays within
/// the per-request limit. Example, `maxGap` 10: holding points at 0 (float32), 2 (float32) and
/// 20 (uint16) give `holding 0..3` and `holding 20`; with `maxGap` 16 a single `holding 0..20`.
public struct RequestPlanner: Sendable, Equatable {
    /// Registers (or bits) that may be read over, unused, to join two points into one read.
    public var maxGap: Int
    /// The most registers in one read: 125 by the protocol, less for some devices.
    public var maxRegisters: Int
    /// The most bits (coils, discrete inputs) in one read: 2000 by the protocol.
    public var maxBits: Int

    public static let protocolMaxRegisters = 125
    public static let protocolMaxBits = 2000

    public init(maxGap: Int = 10, maxRegisters: Int? = nil, maxBits: Int = RequestPlanner.protocolMaxBits) {
        self.maxGap = max(0, maxGap)
        self.maxRegisters = min(max(1, maxRegisters ?? Self.protocolMaxRegisters), Self.protocolMaxRegisters)
        self.maxBits = min(max(1, maxBits), Self.protocolMaxBits)
    }

    /// The reads serving `points`, in table order then address order, except that reads holding
    /// a scale-factor point (one some point's `scaleFrom` names) come first: a factor is read
    /// before, or with, the values it scales.
    public func plan(_ points: [PointDefinition]) -> [PlannedRead] {
        let factors = Set(points.compactMap(\.scaleFrom))
        let reads = coalesce(points)
        guard !factors.isEmpty else { return reads }
        let holdsFactor = { (read: PlannedRead) in read.points.contains { factors.contains($0.name) } }
        return reads.filter(holdsFactor) + reads.filter { !holdsFactor($0) }
    }

    private func coalesce(_ points: [PointDefinition]) -> [PlannedRead] {
        var reads: [PlannedRead] = []
        for table in RegisterTable.allCases {
            let sorted = points.filter { $0.table == table }.sorted { ($0.address, $0.width) < ($1.address, $1.width) }
            let limit = table.isBitTable ? maxBits : maxRegisters
            var current: PlannedRead?
            for point in sorted {
                if var read = current {
                    let end = max(read.request.lastAddress, point.address + point.width - 1)
                    let gap = point.address - read.request.lastAddress - 1
                    if gap <= maxGap, end - read.request.address + 1 <= limit {
                        read.request.count = end - read.request.address + 1
                        read.points.append(point)
                        current = read
                        continue
                    }
                    reads.append(read)
                }
                current = PlannedRead(request: ReadRequest(table: table, address: point.address, count: point.width),
                                      points: [point])
            }
            if let current { reads.append(current) }
        }
        return reads
    }

    /// One read per point of `read`: the fallback when a coalesced read hits an illegal address.
    public static func split(_ read: PlannedRead) -> [PlannedRead] {
        read.points.map { point in
            PlannedRead(request: ReadRequest(table: point.table, address: point.address, count: point.width),
                        points: [point])
        }
    }
}
