/// What a SunSpec device says it holds: the models found by walking the chain from the `SunS`
/// marker, and what went wrong on the way.
public struct SunSpecChain: Sendable, Equatable {
    /// One model header found: its id, the address of its `ID` register and its length `L`.
    public struct Model: Sendable, Equatable {
        public var id: Int
        public var address: Int
        public var length: Int

        public init(id: Int, address: Int, length: Int) {
            self.id = id
            self.address = address
            self.length = length
        }

        /// The first register of the model's points (after `ID` and `L`).
        public var pointsAddress: Int { address + 2 }
        /// The model's definition, when vigie knows it.
        public var definition: SunSpecModelDefinition? { SunSpecModelDefinition.known[id] }
    }

    /// The address of the `SunS` marker.
    public var base: Int
    public var models: [Model]
    /// Whether the walk reached the end marker (0xFFFF).
    public var complete: Bool
    /// Problems met, each with the address and what was expected.
    public var problems: [String]

    public init(base: Int, models: [Model] = [], complete: Bool = false, problems: [String] = []) {
        self.base = base
        self.models = models
        self.complete = complete
        self.problems = problems
    }

    /// Where the end marker is (or would be): the register after the last model.
    public var endAddress: Int { models.last.map { $0.address + 2 + $0.length } ?? base + 2 }

    /// The points of every known model, named as SunSpec names them (`W`, `PhVphA`; `module1_DCW`
    /// in repeating blocks). A name an earlier model already used is prefixed with its model id
    /// (model 160's `DCW_SF` beside model 103's becomes `m160_DCW_SF`), so every sensor stays distinct.
    public func points() -> [PointDefinition] {
        var points: [PointDefinition] = []
        var used: Set<String> = []
        for model in models {
            guard let definition = model.definition else { continue }
            let modelPoints = SunSpecPointLayout(model: model, definition: definition).points()
            let clashing = Set(modelPoints.map(\.name).filter { used.contains(SensorID.lowercase($0)) })
            let renamed = { (name: String) in clashing.contains(name) ? "m\(model.id)_\(name)" : name }
            for var point in modelPoints {
                point.name = renamed(point.name)
                point.scaleFrom = point.scaleFrom.map(renamed)
                used.insert(SensorID.lowercase(point.name))
                points.append(point)
            }
        }
        return points
    }
}

/// Lays one model's points out from its address: fixed points, then as many repeating blocks as
/// its length holds. Points past the model's length (a device with a shorter model) are left out.
struct SunSpecPointLayout {
    let model: SunSpecChain.Model
    let definition: SunSpecModelDefinition

    func points() -> [PointDefinition] {
        var result: [PointDefinition] = []
        var offset = 0
        for point in definition.points {
            if offset + point.size <= model.length {
                result += make(point, at: offset, prefix: "", scalePrefix: "")
            }
            offset += point.size
        }
        guard definition.blockLength > 0, model.length > definition.fixedLength else { return result }
        let blocks = (model.length - definition.fixedLength) / definition.blockLength
        for index in 0..<blocks {
            let prefix = "\(definition.blockName ?? "block")\(index + 1)_"
            let blockNames = Set(definition.block.map(\.name))
            for point in definition.block {
                // A block's scale factor is the block's own when it has one, else the model's.
                let scalePrefix = point.scaleFrom.map { blockNames.contains($0) } == true ? prefix : ""
                result += make(point, at: offset, prefix: prefix, scalePrefix: scalePrefix)
                offset += point.size
            }
        }
        return result
    }

    /// The point, or for a bitfield with named bits one `bits` point per named bit
    /// (`Evt1_GROUND_FAULT`, 0 or 1, like a configured `type: bits`); bits SunSpec marks reserved
    /// are left out. Padding gives none.
    private func make(_ point: SunSpecPointDefinition, at offset: Int, prefix: String, scalePrefix: String) -> [PointDefinition] {
        guard let decoding = point.decoding else { return [] }
        let address = model.pointsAddress + offset
        let description = "SunSpec model \(definition.id) (\(definition.name)) \(point.name)"
        guard point.hasNamedBits else {
            return [PointDefinition(name: prefix + point.name, table: .holding, address: address, type: decoding.type,
                                    unit: point.unit, description: description,
                                    scaleFrom: point.scaleFrom.map { scalePrefix + $0 }, labels: point.labels,
                                    notAvailable: decoding.notAvailable)]
        }
        return point.labels.sorted { $0.key < $1.key }.filter { !Self.isReserved($0.value) }.map { bit, symbol in
            PointDefinition(name: "\(prefix)\(point.name)_\(symbol)", table: .holding, address: address,
                            type: .bits(BitField(registers: point.size, bit: bit)),
                            description: "\(description) bit \(bit)", notAvailable: decoding.notAvailable)
        }
    }

    /// SunSpec's placeholders for unassigned bits (`RESERVED_2`, `M_EVENT_Reserved1`).
    static func isReserved(_ symbol: String) -> Bool {
        symbol.lowercased().contains("reserved")
    }
}
