import ArgumentParser
import VigieCore

/// `vigie check-config FILE`: validates a configuration and the device profiles it names.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a configuration file and the device profiles it names.",
        discussion: """
        Every error is printed on its own line as FILE:LINE:COLUMN: message (the profile's own \
        file when the error is in a profile), all at once, and the exit status is 1. A valid \
        configuration prints a one-line summary and exits 0. Files the daemon opens later (TLS \
        keys, password and token files) need not exist yet.

        Examples:
          vigie check-config /etc/vigie/vigie.yaml
          vigie check-config config/example.yaml && systemctl reload vigie
        """
    )

    @Argument(help: "The configuration file (YAML).")
    var file: String

    func run() throws {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationLoader.load(path: file)
        } catch {
            for diagnostic in error.diagnostics {
                StandardError.print(diagnostic.description)
            }
            throw ExitCode(1)
        }
        print("\(file): valid")
        print(Self.summary(of: loaded))
    }

    /// `2 buses, 7 devices, 60 points, 3 subscriptions, 2 upstream sinks`: fleets count one device per unit.
    static func summary(of loaded: LoadedConfiguration) -> String {
        let configuration = loaded.configuration
        let buses = configuration.modbus.buses
        let devices = buses.flatMap(\.devices)
        let deviceCount = devices.reduce(0) { $0 + $1.units.count }
        let pointCount = devices.reduce(0) { $0 + $1.units.count * loaded.points(of: $1).count }
        let subscriptions = configuration.mqtt?.subscriptions.count ?? 0
        return [
            counted(buses.count, "Modbus bus", "Modbus buses"),
            counted(deviceCount, "device", "devices"),
            counted(pointCount, "point", "points"),
            counted(subscriptions, "MQTT subscription", "MQTT subscriptions"),
            counted(configuration.upstream.count, "upstream sink", "upstream sinks"),
            counted(loaded.profiles.count, "profile", "profiles"),
        ].joined(separator: ", ")
    }

    private static func counted(_ count: Int, _ singular: String, _ plural: String) -> String {
        "\(count) \(count == 1 ? singular : plural)"
    }
}
