extension ConfigurationReader {
    static let busKeys = ["name", "tcp", "rtu", "timeout", "inter_request_delay", "max_gap", "devices"]
    static let serialKeys = ["port", "baud", "parity", "data_bits", "stop_bits"]
    static let deviceKeys = ["name", "unit", "units", "profile", "sunspec", "points", "poll", "ngsi_ld"]

    func modbus(_ node: YAMLNode) -> ModbusConfiguration {
        var modbus = ModbusConfiguration()
        guard let map = MappingReader(node, section: "modbus", keys: ["buses"], log: log),
              let nodes = map.list("buses") else { return modbus }
        var busNames: [String: YAMLNode] = [:]
        var deviceNames: [String: YAMLNode] = [:]
        for busNode in nodes {
            guard let bus = bus(busNode, deviceNames: &deviceNames) else { continue }
            let nameNode = PointReader.nameNode(of: busNode) ?? busNode
            if let first = busNames[bus.name] {
                log.error("duplicate bus name \"\(bus.name)\"\(Self.firstLine(first))", at: nameNode)
                continue
            }
            busNames[bus.name] = nameNode
            modbus.buses.append(bus)
        }
        return modbus
    }

    private func bus(_ node: YAMLNode, deviceNames: inout [String: YAMLNode]) -> ModbusBusConfiguration? {
        guard let map = MappingReader(node, section: "a Modbus bus", keys: Self.busKeys, log: log) else { return nil }
        let name = map.required("name").flatMap { values.name($0, key: "name") }
        let section = name.map { "bus \"\($0)\"" } ?? "a Modbus bus"
        var transport: ModbusTransport?
        switch (map["tcp"], map["rtu"]) {
        case (let tcp?, nil):
            transport = values.endpoint(tcp, key: "tcp", defaultPort: 502).map(ModbusTransport.tcp)
        case (nil, let rtu?):
            transport = serialLine(rtu, section: section).map(ModbusTransport.rtu)
        case (_?, let rtu?):
            log.error("\(section) has both \"tcp\" and \"rtu\": keep one", at: rtu)
        case (nil, nil):
            log.error("missing required key \"tcp\" (host:port) or \"rtu\" (serial line) in \(section)", at: node)
        }
        let timeout = map.duration("timeout")
        let delay = map.duration("inter_request_delay", allowZero: true)
        let maxGap = map.int("max_gap", range: 0...125)
        var devices: [ModbusDeviceConfiguration] = []
        for deviceNode in map.list("devices") ?? [] {
            guard let device = device(deviceNode, bus: section) else { continue }
            let nameNode = PointReader.nameNode(of: deviceNode) ?? deviceNode
            var clash = false
            for unit in device.units {
                let expanded = device.name(forUnit: unit)
                if let first = deviceNames[expanded] {
                    log.error("duplicate device name \"\(expanded)\"\(Self.firstLine(first))", at: nameNode)
                    clash = true
                    break
                }
                deviceNames[expanded] = nameNode
            }
            if !clash { devices.append(device) }
        }
        guard let name, let transport else { return nil }
        return ModbusBusConfiguration(name: name, transport: transport, timeout: timeout ?? .seconds(1),
                                      interRequestDelay: delay ?? .zero, maxGap: maxGap ?? 10, devices: devices)
    }

    private func serialLine(_ node: YAMLNode, section: String) -> SerialLine? {
        guard let map = MappingReader(node, section: "the rtu line of \(section)", keys: Self.serialKeys, log: log),
              let port = map.required("port", hint: " (the serial device, e.g. /dev/ttyUSB0)")
                .flatMap({ values.text($0, key: "port") }) else { return nil }
        var line = SerialLine(port: port)
        if let baud = map.int("baud", range: 50...4_000_000) { line.baud = baud }
        if let parity = map.choice("parity", SerialLine.Parity.self) { line.parity = parity }
        if let bits = map.int("data_bits", range: 5...8) { line.dataBits = bits }
        if let bits = map.int("stop_bits", range: 1...2) { line.stopBits = bits }
        return line
    }

    private func device(_ node: YAMLNode, bus: String) -> ModbusDeviceConfiguration? {
        guard let map = MappingReader(node, section: "a device of \(bus)", keys: Self.deviceKeys, log: log) else {
            return nil
        }
        let name = map.required("name").flatMap { values.name($0, key: "name", allowUnitPlaceholder: true) }
        let section = name.map { "device \"\($0)\"" } ?? "a device of \(bus)"
        var units: [Int]?
        switch (map["unit"], map["units"]) {
        case (let unit?, nil):
            units = values.int(unit, key: "unit", range: UnitList.range).map { [$0] }
        case (nil, let list?):
            units = UnitList(values: values).units(list, key: "units")
        case (_?, let list?):
            log.error("\(section) has both \"unit\" and \"units\": keep one", at: list)
        case (nil, nil):
            log.error("missing required key \"unit\" (the Modbus unit id, 1 to 247) in \(section)", at: node)
        }
        if let name, let units, units.count > 1, !name.contains("{unit}"), let nameNode = map["name"] {
            log.error("\(section) covers \(units.count) units: put {unit} in its name, e.g. \"\(name)-{unit}\"",
                      at: nameNode)
            return nil
        }
        let profile = map["profile"].flatMap { values.text($0, key: "profile") }
        if let profile, let profileNode = map["profile"] { recordProfile(profile, at: profileNode) }
        let sunspec = map.bool("sunspec")
        let points = map.list("points").map {
            PointReader(log: log).points($0, owner: section, outsidePoints: map.has("profile") || sunspec == true)
        } ?? []
        if sunspec == true, let profileNode = map["profile"] {
            log.error("\(section) has both \"sunspec: true\" (models found on the device) and a \"profile\": keep one",
                      at: profileNode)
        }
        if !map.has("profile"), !map.has("points"), sunspec != true {
            log.error("\(section) needs a \"profile\", \"sunspec: true\" or inline \"points\"", at: node)
        }
        let poll = map.duration("poll")
        // Point names are checked against the profile's when the profiles are loaded, not here.
        let ngsiLD = map["ngsi_ld"].map { NGSILDModelReader(log: log).model($0, owner: section, points: nil) }
        guard let name, let units, !(map.has("poll") && poll == nil), !(map.has("sunspec") && sunspec == nil),
              ngsiLD != .some(nil) else {
            return nil
        }
        return ModbusDeviceConfiguration(name: name, units: units, profile: profile, sunspec: sunspec ?? false,
                                         points: points, poll: poll ?? .seconds(10), ngsiLD: ngsiLD ?? nil)
    }

    static func firstLine(_ node: YAMLNode) -> String {
        " (first at line \(node.mark.line))"
    }
}
