import VigieCore

/// Writes one planned value to a device and reads the point back, as one job on the bus's queue.
///
/// The three steps (read the old value, write, read back) run on the connection's serial queue
/// in one `perform`, so no poll interleaves: a read-modify-write (bits of a register) will read
/// and write inside the same job. The old value is best effort (a device may refuse to read a
/// write-mostly register); a failed write or read-back throws.
public enum ModbusPointWriter {
    /// What the device held before and after.
    public struct Outcome: Sendable, Equatable {
        /// The point's value before the write; nil when it could not be read.
        public var old: Double?
        /// The point's value read back after the write (NaN when it did not decode).
        public var readBack: Double
        /// The words (0/1 for a coil) read back.
        public var raw: [UInt16]
        /// The words sent.
        public var written: [UInt16]
    }

    /// Carries out `plan` on `unit`.
    public static func write(_ plan: PlannedWrite, unit: Int, on connection: ModbusBusConnection) async throws(ModbusError) -> Outcome {
        try await connection.perform { client throws(ModbusError) -> Outcome in
            let point = plan.point
            let request = ReadRequest(table: point.table, address: point.address, count: point.width)
            let old = try? value(client.read(request, unit: unit), of: point)
            let written: [UInt16]
            switch plan.action {
            case .registers(let words):
                try client.writeRegisters(address: point.address, values: words, unit: unit)
                written = words
            case .coil(let state):
                try client.writeCoils(address: point.address, values: [state], unit: unit)
                written = [state ? 1 : 0]
            case .bits(let field, let value):
                // Read-modify-write inside this one job: no poll or write of the bus comes between.
                let current = try client.read(request, unit: unit)
                guard let register = RegisterDecoder.rawBits(current, point: point) else {
                    throw ModbusError(kind: .invalidReply, cause: "read \(current.count) words for a \(point.width)-register field",
                                      context: "writing point \(point.name)", hint: "check the point's address and width")
                }
                written = RegisterEncoder.layout(field.insert(value, into: register), count: point.width, order: point.order)
                try client.writeRegisters(address: point.address, values: written, unit: unit)
            }
            let raw = try client.read(request, unit: unit)
            return Outcome(old: old, readBack: value(raw, of: point), raw: raw, written: written)
        }
    }

    /// The decoded value of `words` (NaN when they do not decode).
    static func value(_ words: [UInt16], of point: PointDefinition) -> Double {
        let reading = point.table.isBitTable ? RegisterDecoder.reading(bit: words.first.map { $0 != 0 } ?? false, point: point)
                                             : RegisterDecoder.reading(words, point: point)
        return reading.quality.isGood ? reading.value : .nan
    }
}
