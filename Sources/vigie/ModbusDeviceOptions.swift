import ArgumentParser
import VigieCore

/// Which device: `--profile ID|FILE` or `--config FILE --device NAME`.
struct ModbusDeviceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("A profile id from the profile folders, or a profile file.", valueName: "id|file"))
    var profile: String?

    @Option(name: .long, help: ArgumentHelp("A folder of profiles to search first.", valueName: "dir"))
    var profilesDir: String?

    @Option(name: .long, help: ArgumentHelp("A vigie configuration file (with --device).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("A device name from the configuration; a fleet member by its expanded name.",
                                            valueName: "name"))
    var device: String?

    func validate() throws {
        switch (profile, config, device) {
        case (_?, nil, nil), (nil, _?, _?), (nil, nil, nil): return
        case (nil, _?, nil): throw ValidationError("--config needs --device NAME")
        case (nil, nil, _?): throw ValidationError("--device needs --config FILE")
        default: throw ValidationError("give either --profile or --config with --device, not both")
        }
    }

    /// Whether a device was named at all (`read` and `scan` work without one).
    var isGiven: Bool { profile != nil || config != nil }

    /// The device, and its bus when it comes from a configuration.
    func resolve(unit: Int?) throws -> (device: ModbusDevice, bus: ModbusBusConfiguration?) {
        guard isGiven else { throw ValidationError("say which device: --profile ID or --config FILE --device NAME") }
        do {
            if let profile {
                let loaded: DeviceProfile
                if profile.hasSuffix(".yaml") || profile.hasSuffix(".yml") || profile.contains("/") {
                    loaded = try ProfileLoader.load(path: profile)
                } else {
                    loaded = try ProfileLoader.load(id: profile, searchDirectories: [profilesDir].compactMap { $0 }
                                                    + Configuration.defaultProfilesDirectories)
                }
                let entry = ModbusDeviceConfiguration(name: loaded.id, units: [unit ?? 1], profile: loaded.id)
                let device = try ModbusDeviceResolver(profiles: [loaded.id: loaded]).device(entry, unit: unit ?? 1, bus: "cli")
                return (device, nil)
            }
            guard let config, let device else { throw ValidationError("say which device") }
            let loaded = try ConfigurationLoader.load(path: config)
            let resolver = ModbusDeviceResolver(profiles: loaded.profiles)
            for bus in loaded.configuration.modbus.buses {
                if var found = try resolver.devices(of: bus).first(where: { $0.name == device }) {
                    if let unit { found.unit = unit }
                    return (found, bus)
                }
            }
            throw ModbusCommandFailure(message: "\(config): no Modbus device named \(device)")
        } catch let error as ConfigurationErrors {
            throw ModbusCommandFailure(message: error.description)
        } catch let error as DeviceResolutionError {
            throw ModbusCommandFailure(message: error.message)
        }
    }
}
