import Glibc
import VigieCore
import VigieModbus

/// SunSpec discovery as the technician commands use it.
enum SunSpecCommandSupport {
    /// `device` with the points of the SunSpec models found on it (its own points replace those of the same name).
    static func withModels(_ device: ModbusDevice, connection: ModbusBusConnection) async throws -> ModbusDevice {
        let chain = try await chain(unit: device.unit, connection: connection)
        for problem in chain.problems { StandardError.print("sunspec: \(problem)") }
        var device = device
        let own = Set(device.points.map(\.name))
        device.points = chain.points().filter { !own.contains($0.name) } + device.points
        guard !device.points.isEmpty else {
            throw ModbusCommandFailure(message: "no SunSpec model vigie knows on unit \(device.unit)")
        }
        return device
    }

    /// The device's chain, or a technician's message.
    static func chain(unit: Int, connection: ModbusBusConnection) async throws -> SunSpecChain {
        switch await SunSpecDiscovery(connection: connection, unit: unit).discover() {
        case .success(let chain): return chain
        case .failure(let notFound): throw ModbusCommandFailure(message: "unit \(unit): \(notFound.message)")
        }
    }

    /// The known models' points as a profile named after `path` (`onduleur.yaml`: id `onduleur`);
    /// manufacturer and model are read from the common model when the device has one.
    static func profile(_ chain: SunSpecChain, path: String, unit: Int, connection: ModbusBusConnection) async throws -> DeviceProfile {
        let id = ProfileLoader.fileID(of: path)
        if let problem = ProfileLoader.problem(withID: id) { throw ModbusCommandFailure(message: "--write-profile \(path): \(problem)") }
        let points = chain.points()
        guard !points.isEmpty else { throw ModbusCommandFailure(message: "no SunSpec model vigie knows: no profile written") }
        let identity = points.filter { $0.name == "Mn" || $0.name == "Md" }
        var plan = RequestPlanner(maxGap: 0).plan(identity)
        let texts = await DeviceReader.read(&plan, unit: unit, connection: connection).map { result -> String in
            guard case .text(let text)? = RegisterDecoder.decode(result.raw, type: result.point.type, order: .abcd) else { return "" }
            return text
        }
        let models = chain.models.filter { $0.definition != nil }.map { "\($0.id)@\($0.address)" }.joined(separator: ", ")
        return DeviceProfile(id: id, manufacturer: texts.first.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown",
                             model: texts.dropFirst().first.flatMap { $0.isEmpty ? nil : $0 } ?? "SunSpec device",
                             source: "vigie modbus scan --sunspec: SunSpec models \(models) found on the device; "
                                 + "points from SunSpec's model files (github.com/sunspec/models)",
                             points: points)
    }

    /// The chain as a table: model id, name, address, length.
    static func table(_ chain: SunSpecChain) -> String {
        var table = TextTable(header: ["model", "name", "address", "length", "points"])
        for model in chain.models {
            let points = model.definition.map { _ in SunSpecChain(base: chain.base, models: [model]).points().count }
            table.rows.append(["\(model.id)", model.definition?.name ?? "(unknown)", "\(model.address)", "\(model.length)",
                               points.map(String.init) ?? "-"])
        }
        return table.render()
    }
}

/// Writes a whole text file, or says why it could not.
enum ProfileFile {
    static func write(_ text: String, to path: String) throws {
        guard let file = fopen(path, "w") else {
            throw ModbusCommandFailure(message: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        let written = fputs(text, file)
        let closed = fclose(file)
        guard written >= 0, closed == 0 else { throw ModbusCommandFailure(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}
