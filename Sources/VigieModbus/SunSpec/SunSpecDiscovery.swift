import VigieCore

/// Finds a device's SunSpec models: the `SunS` marker at 40000, 50000 or 0 (holding registers),
/// then the chain of model headers (`ID`, `L`) to the end marker 0xFFFF.
///
/// A broken chain never throws: a header that cannot be read, a length that runs past the last
/// register or a chain that does not end are reported in `problems` with their address, and the
/// models found before still count. A model vigie does not know is listed and skipped by its length.
public struct SunSpecDiscovery: Sendable {
    /// Reads `count` holding registers from `address`.
    public typealias RegisterReader = @Sendable (_ address: Int, _ count: Int) async -> Result<[UInt16], ModbusError>

    /// Where SunSpec devices put their marker, in the order the specification lists them.
    public static let bases = [40000, 50000, 0]
    /// "SunS" as two registers.
    public static let marker: [UInt16] = [0x5375, 0x6E53]
    public static let endMarker = 0xFFFF
    /// More models than any device holds: a chain this long is taken as a loop.
    public static let maximumModels = 128

    let read: RegisterReader

    public init(read: @escaping RegisterReader) {
        self.read = read
    }

    /// Over a bus connection, for one unit.
    public init(connection: ModbusBusConnection, unit: Int) {
        read = { address, count in
            await connection.read(ReadRequest(table: .holding, address: address, count: count), unit: unit)
        }
    }

    /// Why no chain was found: the marker's absence, or the first error that was not an answer.
    public struct NotFound: Error, Sendable, CustomStringConvertible {
        public var message: String
        /// The error that stopped the search when the device did not answer at all.
        public var cause: ModbusError?
        public var description: String { message }
    }

    /// The chain, or why there is none.
    public func discover() async -> Result<SunSpecChain, NotFound> {
        var tried: [String] = []
        for base in Self.bases {
            switch await read(base, 2) {
            case .success(let words) where words == Self.marker:
                return .success(await walk(from: base))
            case .success(let words):
                tried.append("\(base): \(words.map { String($0, radix: 16) }.joined(separator: " "))")
            case .failure(let error) where error.kind == .exception:
                tried.append("\(base): \(error.cause)")
            case .failure(let error):
                return .failure(NotFound(message: "no answer while looking for the SunSpec marker at \(base): \(error)",
                                         cause: error))
            }
        }
        return .failure(NotFound(message: "no SunSpec marker \"SunS\" (0x5375 0x6E53) at 40000, 50000 or 0 ("
                                 + tried.joined(separator: "; ") + ")", cause: nil))
    }

    /// Walks the model headers after the marker at `base`.
    func walk(from base: Int) async -> SunSpecChain {
        var chain = SunSpecChain(base: base)
        var address = base + 2
        while chain.models.count < Self.maximumModels {
            guard address + 1 <= 65_535 else {
                chain.problems.append("the chain reaches the last register (65535) at \(address) without the end marker 0xFFFF")
                return chain
            }
            let header: [UInt16]
            switch await read(address, 2) {
            case .success(let words) where words.count == 2:
                header = words
            case .success:
                chain.problems.append("model header at \(address): short reply, expected a model id and length")
                return chain
            case .failure(let error):
                chain.problems.append("model header at \(address): \(error.cause), expected a model id and length "
                                      + "or the end marker 0xFFFF")
                return chain
            }
            let id = Int(header[0])
            let length = Int(header[1])
            if id == Self.endMarker {
                chain.complete = true
                return chain
            }
            let end = address + 2 + length - 1
            guard end <= 65_535 else {
                chain.problems.append("model \(id) at \(address) has length \(length), which runs past the last register "
                                      + "65535: expected the end marker 0xFFFF or a model that fits")
                return chain
            }
            let model = SunSpecChain.Model(id: id, address: address, length: length)
            if let definition = model.definition {
                if length < definition.fixedLength {
                    chain.problems.append("model \(id) at \(address) has length \(length), shorter than the \(definition.fixedLength) "
                                          + "registers SunSpec defines: only the points within it are read")
                } else if definition.blockLength > 0, (length - definition.fixedLength) % definition.blockLength != 0 {
                    chain.problems.append("model \(id) at \(address) has length \(length): expected \(definition.fixedLength) "
                                          + "plus a whole number of \(definition.blockLength)-register blocks")
                }
            } else {
                chain.problems.append("model \(id) at \(address) (length \(length)) is not one vigie knows: skipped")
            }
            chain.models.append(model)
            address = end + 1
        }
        chain.problems.append("more than \(Self.maximumModels) models from \(base): a loop? expected the end marker 0xFFFF")
        return chain
    }
}
