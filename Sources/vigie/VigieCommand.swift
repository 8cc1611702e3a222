import ArgumentParser
import VigieCore

/// The `vigie` command: the daemon and a technician's tools.
@main
struct VigieCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Sensor gateway: Modbus and MQTT in, SQLite buffer, anomaly detection, forwarding to a data hub.",
        version: VigieVersion.current,
        subcommands: [
            RunCommand.self,
            DemoCommand.self,
            CheckConfigCommand.self,
            ExportCommand.self,
            StatusCommand.self,
            MQTTCommand.self,
            DetectCommand.self,
            ModbusCommand.self,
        ]
    )
}
