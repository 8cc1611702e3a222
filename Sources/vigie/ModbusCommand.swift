import ArgumentParser

/// `vigie modbus`: a technician's tools to talk to a Modbus device by hand.
struct ModbusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "modbus",
        abstract: "Read, poll, scan and write Modbus devices by hand; show a device's request plan.",
        discussion: """
        Examples:
          vigie modbus read --tcp 192.168.10.20:502 --unit 1 --table holding --address 4000 --count 2
          vigie modbus read --rtu /dev/ttyUSB0:9600:8N1 --unit 1 --table input --address 0 --type float32
          vigie modbus plan --profile eastron-sdm630
          vigie modbus poll --rtu /dev/ttyUSB0:9600 --unit 1 --profile eastron-sdm630
          vigie modbus scan --rtu /dev/ttyUSB0:9600 --units 1-32
          vigie modbus write --config /etc/vigie/vigie.yaml --device chaufferie --point consigne --value 21.5
        Addresses are protocol addresses, 0-based: register 40001 in a manual is holding 0, 30001 is input 0.
        """,
        subcommands: [ModbusReadCommand.self, ModbusPlanCommand.self, ModbusPollCommand.self, ModbusScanCommand.self,
                      ModbusWriteCommand.self, ModbusSimulateCommand.self]
    )
}
